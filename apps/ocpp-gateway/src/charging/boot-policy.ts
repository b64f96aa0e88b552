import type { RegistrationStatus } from '@csms/domain';

/** How long a Pending or Rejected charger waits before it boots again. */
export const BOOT_RETRY_SECONDS = 60;

export const BOOT_STATUS: Record<RegistrationStatus, 'Accepted' | 'Pending' | 'Rejected'> = {
  accepted: 'Accepted',
  pending: 'Pending',
  rejected: 'Rejected',
};

/** Accepted: the heartbeat interval; Pending/Rejected: the retry interval. */
export function bootInterval(status: RegistrationStatus, heartbeatSeconds: number): number {
  return status === 'accepted' ? heartbeatSeconds : BOOT_RETRY_SECONDS;
}
