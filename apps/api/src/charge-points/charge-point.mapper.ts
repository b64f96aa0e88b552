import type { ChargePoint } from '@csms/domain';
import type { ChargePointView } from './dto/charge-point.dto';

/** A Date from an entity, or a timestamp Postgres already wrote as ISO 8601 text (the list). */
type Timestamp = Date | string;

const iso = (d: Timestamp | null | undefined) => (d ? (typeof d === 'string' ? d : d.toISOString()) : null);

/** The fields of a charge point its view is made of (the list reads only these). */
export const CHARGE_POINT_VIEW_FIELDS = [
  'id',
  'name',
  'ocppVersion',
  'registrationStatus',
  'securityProfile',
  'location',
  'projectId',
  'passwordUpdatedAt',
  'vendor',
  'model',
  'serialNumber',
  'firmwareVersion',
  'connectedOcppVersion',
  'status',
  'lastSeenAt',
  'lastBootAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof ChargePoint)[];

/** Timestamps the view shows: the list reads them as ISO text, saving a Date parse and format per value. */
export const CHARGE_POINT_VIEW_TIMESTAMPS = ['lastSeenAt', 'lastBootAt', 'createdAt', 'updatedAt'] as const;

type ViewTimestamp = (typeof CHARGE_POINT_VIEW_TIMESTAMPS)[number];

export type ChargePointRow = Omit<
  Pick<ChargePoint, (typeof CHARGE_POINT_VIEW_FIELDS)[number]>,
  ViewTimestamp
> & {
  lastSeenAt: Timestamp | null;
  lastBootAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

export function toChargePointView(cp: ChargePointRow, node: string | null): ChargePointView {
  return {
    id: cp.id,
    name: cp.name,
    ocpp_version: cp.ocppVersion,
    registration_status: cp.registrationStatus,
    security_profile: cp.securityProfile,
    location: cp.location,
    project_id: cp.projectId,
    password_set: cp.passwordUpdatedAt !== null,
    vendor: cp.vendor,
    model: cp.model,
    serial_number: cp.serialNumber,
    firmware_version: cp.firmwareVersion,
    connected: node !== null,
    gateway_node: node,
    connected_ocpp_version: cp.connectedOcppVersion,
    status: cp.status,
    last_seen_at: iso(cp.lastSeenAt),
    last_boot_at: iso(cp.lastBootAt),
    created_at: iso(cp.createdAt)!,
    updated_at: iso(cp.updatedAt)!,
  };
}

export { iso };
