import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from './numeric.transformer';

/**
 * One sampled value. `dedupKey` identifies the sample: the MD5 (as a uuid) of its EVSE, connector,
 * transaction, time, measurand, phase, location and context, unique per charge point and time, so a
 * retried message stores nothing twice. Energy values are normalised to Wh in `value`; `rawValue`/`unit`
 * keep what the charger sent.
 */
@Entity('meter_values')
@Index('meter_values_dedup_uq', ['chargePointId', 'sampledAt', 'dedupKey'], { unique: true })
@Index('meter_values_session_idx', ['sessionId', 'sampledAt'])
/**
 * Partial, with INCLUDE (value, context): the billing register samples of a session in the order the
 * session recompute reads them (migration SessionWriteIndexes).
 */
@Index('meter_values_register_idx', { synchronize: false })
export class MeterValue {
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

  @Column({ type: 'varchar', length: 64 })
  measurand: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  phase: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  location: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  context: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  unit: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, transformer: numericTransformer })
  value: number;

  @Column({ type: 'varchar', length: 64 })
  rawValue: string;

  @Column({ type: 'uuid' })
  dedupKey: string;
}
