import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ChargePoint, type OcppVersion } from './charge-point.entity';
import { Organization } from './organization.entity';

export const COMMAND_STATES = ['queued', 'sent', 'answered', 'rejected', 'timed_out', 'failed'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];
/** States a command never leaves. */
export const FINAL_COMMAND_STATES: readonly CommandState[] = ['answered', 'rejected', 'timed_out', 'failed'];

/**
 * The durable outbox of operator commands to chargers: the row is written before its BullMQ job, so
 * Postgres knows every command even when Redis loses the job (a reconciler re-enqueues it).
 */
@Entity('commands')
@Index('commands_org_cp_idx', ['organizationId', 'chargePointId', 'createdAt'])
@Index('commands_open_idx', ['state', 'createdAt'], { where: `state IN ('queued', 'sent')` })
@Index('commands_remote_start_idx', ['chargePointId', 'remoteStartId'], {
  where: 'remote_start_id IS NOT NULL',
})
@Index('commands_org_idempotency_key', ['organizationId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
export class Command {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

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

  /** Our action name (`remote-start`), or `ocpp` for a raw OCPP call made by the platform itself. */
  @Column({ type: 'varchar', length: 40 })
  action: string;

  /** The OCPP message sent, e.g. `RemoteStartTransaction`. */
  @Column({ type: 'varchar', length: 60 })
  ocppAction: string;

  @Column({ type: 'varchar', length: 8 })
  ocppVersion: OcppVersion;

  /** The request as the caller sent it (our snake_case shape); null for raw OCPP calls. */
  @Column({ type: 'jsonb', nullable: true })
  request: Record<string, any> | null;

  /** The OCPP payload of the CALL. */
  @Column({ type: 'jsonb' })
  payload: Record<string, any>;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  state: CommandState;

  /** The charger's CALLRESULT payload. */
  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, any> | null;

  /** Stable reason code when the command did not get an answer (`charge_point_offline`, an OCPP error code, ...). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  errorReason: string | null;

  /** The gateway node whose queue holds the job; null while waiting for the charger to reconnect. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  nodeId: string | null;

  /** How many times the command was put on a node queue (the BullMQ job id ends with it). */
  @Column({ type: 'integer', default: 0 })
  dispatches: number;

  /** Set when the caller asked to queue the command until the charger reconnects. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  /** 2.0.1 RequestStartTransaction: the remoteStartId that links the session it starts. */
  @Column({ type: 'integer', nullable: true })
  remoteStartId: number | null;

  /** `user` or `api_key` id of whoever asked; null for the platform itself. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;
}
