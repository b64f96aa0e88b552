import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ChargePoint, type OcppVersion } from './charge-point.entity';
import { Organization } from './organization.entity';

/**
 * `pending`: ReserveNow sent, no answer yet; `active`: the charger accepted; `rejected`: the charger
 * refused (or never answered); `used`: a session started on it; `expired`; `cancelled`.
 */
export const RESERVATION_STATUSES = [
  'pending',
  'active',
  'rejected',
  'used',
  'expired',
  'cancelled',
] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
/** Statuses that hold the connector (at most one reservation per connector, by a partial unique index). */
export const OPEN_RESERVATION_STATUSES: readonly ReservationStatus[] = ['pending', 'active'];

/**
 * A connector held for one id tag until `expiryDate`. `ocppReservationId` is the integer the charger
 * knows it by (ReserveNow reservationId / id), from the `reservation_ocpp_id_seq` sequence.
 */
@Entity('reservations')
@Index('reservations_org_idx', ['organizationId', 'createdAt'])
@Index('reservations_cp_idx', ['chargePointId', 'createdAt'])
@Index('reservations_ocpp_id_uq', ['ocppReservationId'], { unique: true })
@Index('reservations_open_connector_uq', { synchronize: false })
@Index('reservations_open_expiry_idx', { synchronize: false })
export class Reservation {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'int' })
  ocppReservationId: number;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @ManyToOne(() => ChargePoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'charge_point_id' })
  chargePoint?: ChargePoint;

  /** 1.6 connectorId; on 2.0.1 the EVSE id (ReserveNow evseId). */
  @Column({ type: 'int' })
  connectorId: number;

  /** The OCPP version ReserveNow was sent in. */
  @Column({ type: 'varchar', length: 8 })
  ocppVersion: OcppVersion;

  /** The id tag value as the caller gave it; only this tag can use the reservation. */
  @Column({ type: 'varchar', length: 255 })
  idTag: string;

  /** The tag value sent to the charger (the caller's value, or a driver's active tag). */
  @Column({ type: 'varchar', length: 36 })
  ocppIdTag: string;

  /** The `id_tags` row it resolved to. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  idTagId: string | null;

  @Column({ type: 'timestamptz' })
  expiryDate: Date;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: ReservationStatus;

  /** Why it was rejected or cancelled: the charger's answer (`Occupied`), `cancelled_by_user`, `connector_faulted`, ... */
  @Column({ type: 'varchar', length: 64, nullable: true })
  statusReason: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  reserveCommandId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  cancelCommandId: string | null;

  /** The charging session that used it. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** When it left pending/active (used, expired, cancelled, rejected). */
  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
