import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every 2.0.1 TransactionEvent received, once per (charge point, transactionId, seqNo). */
@Entity('transaction_events')
@Index('transaction_events_seq_uq', ['chargePointId', 'transactionId', 'seqNo'], { unique: true })
export class TransactionEventRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @Column({ type: 'varchar', length: 64 })
  transactionId: string;

  @Column({ type: 'int' })
  seqNo: number;

  @Column({ type: 'varchar', length: 40 })
  sessionId: string;

  @Column({ type: 'varchar', length: 16 })
  eventType: string;

  @Column({ type: 'varchar', length: 40 })
  triggerReason: string;

  @Column({ type: 'boolean', default: false })
  offline: boolean;

  @Column({ type: 'timestamptz' })
  chargerTimestamp: Date;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;
}
