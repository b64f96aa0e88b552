import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The bounded per-charger log of raw OCPP-J frames, in and out, for support. Keyed by (charger, id): every
 * read goes by charger, and `id`, drawn from a sequence, orders a charger's frames.
 */
@Entity('ocpp_messages')
export class OcppMessage {
  @PrimaryColumn({ type: 'varchar', length: 48, primaryKeyConstraintName: 'ocpp_messages_pkey' })
  chargePointId: string;

  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'ocpp_messages_pkey' })
  id: string;

  /** `in` (charger → CSMS) or `out`. */
  @Column({ type: 'varchar', length: 3 })
  direction: 'in' | 'out';

  /** 2 CALL, 3 CALLRESULT, 4 CALLERROR; null if unparseable. */
  @Column({ type: 'smallint', nullable: true })
  messageType: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  messageId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  action: string | null;

  @Column({ type: 'text' })
  frame: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  gatewayNode: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
