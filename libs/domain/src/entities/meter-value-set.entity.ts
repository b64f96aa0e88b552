import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from './numeric.transformer';

/**
 * One sampled-value set: the values a charger sampled at one time for one EVSE and transaction, stored
 * as one row whose values are an array; what value `i` is (`measurands[i]`, `phases[i]`, ...) is in the
 * set's layout (MeterValueLayout), stored once per combination. Energy values are normalised to Wh in
 * `values`; `rawValues` and the layout's units keep what the charger sent. The
 * arrays carry no length or scale modifier, which Postgres would check on every element of every row.
 *
 * `dedupKey` identifies the set: the MD5 (as a uuid) of the comma-joined MD5s of its values' keys (EVSE,
 * connector, transaction, time, measurand, phase, location, context), unique per charge point and time,
 * so a retried message stores nothing twice. `registerWh`/`registerContext` repeat the set's billing
 * register reading (the session's energy is derived from them), NULL when the set has none.
 */
@Entity('meter_value_sets')
@Index('meter_value_sets_dedup_uq', ['chargePointId', 'sampledAt', 'dedupKey'], { unique: true })
/**
 * (session_id, sampled_at, id) INCLUDE (register_wh, register_context): a session's sets in the order the
 * charger took them, with the billing register reading the session recompute reads (migration
 * MeterSessionIndex).
 */
@Index('meter_value_sets_session_idx', { synchronize: false })
export class MeterValueSet {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  sessionId: string | null;

  @Column({ type: 'int', nullable: true })
  evseNumber: number | null;

  @Column({ type: 'int', nullable: true })
  connectorNumber: number | null;

  @Column({ type: 'timestamptz' })
  sampledAt: Date;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'uuid' })
  dedupKey: string;

  @Column({
    type: 'numeric',
    precision: 24,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  registerWh: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  registerContext: string | null;

  /** The digest of the set's layout (`meter_value_layouts`): what each of `values` is. */
  @Column({ type: 'uuid' })
  layout: string;

  /** As text: numeric arrays come back from the driver as strings. */
  @Column({ type: 'numeric', array: true })
  values: string[];

  @Column({ type: 'text', array: true })
  rawValues: string[];
}
