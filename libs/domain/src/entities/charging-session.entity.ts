import {
  Column,
  JoinColumn,
  ManyToOne,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ChargePoint } from './charge-point.entity';
import { numericTransformer } from './numeric.transformer';

export const SESSION_STATUSES = ['active', 'completed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Reasons a session needs a human look before it is billed. */
export const SESSION_FLAGS = [
  'meter_stop_below_start',
  'decreasing_register',
  'clock_skew',
  'unknown_transaction',
  'late_offline_events',
  /** Still open when a later transaction started on the same EVSE: closed by the CSMS, no stop received. */
  'superseded',
] as const;
export type SessionFlag = (typeof SESSION_FLAGS)[number];

/**
 * A charging session (an OCPP transaction). 1.6: `ocppTransactionId` comes from the
 * `ocpp_transaction_id_seq` sequence and `transactionId` is its decimal form; 2.0.1: `transactionId` is
 * the charger's own id. Either way (charge point, transactionId) is unique. Energy is kept in Wh;
 * pricing columns arrive with the tariffs issue.
 */
@Entity('charging_sessions')
@Index('charging_sessions_cp_tx_uq', ['chargePointId', 'transactionId'], { unique: true })
@Index('charging_sessions_org_idx', ['organizationId', 'createdAt'])
@Index('charging_sessions_cp_idx', ['chargePointId', 'createdAt'])
@Index('charging_sessions_driver_idx', ['driverId', 'startedAt'])
@Index('charging_sessions_unpriced_idx', ['stopReceivedAt'], {
  where: `status = 'completed' AND priced_at IS NULL`,
})
/** Open sessions of an EVSE: the ones a new start supersedes, and a 2.0.1 MeterValues' session. */
@Index('charging_sessions_active_evse_idx', ['chargePointId', 'evseNumber'], { where: `status = 'active'` })
@Index('charging_sessions_ocpp_tx_uq', { synchronize: false })
@Index('charging_sessions_v16_start_uq', { synchronize: false })
@Index('charging_sessions_active_tag_idx', { synchronize: false })
export class ChargingSession {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @ManyToOne(() => ChargePoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'charge_point_id' })
  chargePoint?: ChargePoint;

  @Column({ type: 'varchar', length: 8 })
  ocppVersion: string;

  @Column({ type: 'varchar', length: 64 })
  transactionId: string;

  @Column({ type: 'int', nullable: true })
  ocppTransactionId: number | null;

  /** 2.0.1 remoteStartId of the RequestStartTransaction that started it. */
  @Column({ type: 'int', nullable: true })
  remoteStartId: number | null;

  @Column({ type: 'int', nullable: true })
  evseNumber: number | null;

  @Column({ type: 'int', nullable: true })
  connectorNumber: number | null;

  /** The id tag / idToken value as the charger sent it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  idTag: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  idTokenType: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  idTagId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: SessionStatus;

  /** Charger clock. */
  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  stoppedAt: Date | null;

  /** CSMS clock. */
  @Column({ type: 'timestamptz', nullable: true })
  startReceivedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  stopReceivedAt: Date | null;

  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true, transformer: numericTransformer })
  meterStartWh: number | null;

  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true, transformer: numericTransformer })
  meterStopWh: number | null;

  /** The latest energy register reading (Wh), for live sessions. */
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true, transformer: numericTransformer })
  lastMeterWh: number | null;

  /**
   * The time of the latest energy register reading while none is a Transaction.End reading, else null:
   * the gateway updates the session from new readings alone when they come after it.
   */
  @Column({ type: 'timestamptz', nullable: true })
  registerTailAt: Date | null;

  /** Energy delivered (Wh), never negative: anomalies are flagged instead. */
  @Column({ type: 'numeric', precision: 18, scale: 3, nullable: true, transformer: numericTransformer })
  energyWh: number | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  stopReason: string | null;

  /** 2.0.1: the highest seqNo applied. */
  @Column({ type: 'int', nullable: true })
  lastSeqNo: number | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  flags: SessionFlag[];

  /** The id tag's driver when the session started (a trigger sets it): a tag moved later keeps history apart. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  driverId: string | null;

  /** The tariff as it was when the session started (a trigger copies it, with currency and timezone). */
  @Column({ type: 'jsonb', nullable: true })
  tariffSnapshot: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  currency: string | null;

  /** Total cost in the currency's minor unit, set when the finished session is priced. */
  @Column({ type: 'int', nullable: true })
  costTotalMinor: number | null;

  /** The itemised lines the total was computed from. */
  @Column({ type: 'jsonb', nullable: true })
  costBreakdown: Record<string, unknown> | null;

  @Column({ type: 'timestamptz', nullable: true })
  pricedAt: Date | null;

  /** Priced but to be checked by a person (the session carries integrity flags). */
  @Column({ type: 'boolean', default: false })
  needsReview: boolean;

  /** Why the CSMS asked the charger to stop the session (e.g. `idle_timeout`), and when. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  stopRequestedReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  stopRequestedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
