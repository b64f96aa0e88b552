/** Every BullMQ queue of the system. The api produces; the app named in the comment consumes. */
export enum QueueName {
  /** Emails and other outbound notifications (consumed by the api's notification worker). */
  Notifications = 'notifications',
  /** Periodic housekeeping: reconcilers and sweepers (consumed by the api). */
  Maintenance = 'maintenance',
  /** Reservation expiry at its expiry date (consumed by the api's reservations worker). */
  Reservations = 'reservations',
  /** Session pricing and the idle-session sweep (consumed by the api's billing worker). */
  Billing = 'billing',
}

/** Commands for the chargers held by one gateway node go to that node's own queue. */
export function gatewayNodeQueue(nodeId: string): string {
  return `gateway-node.${nodeId}`;
}

/** Defaults every job inherits unless its producer says otherwise. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
