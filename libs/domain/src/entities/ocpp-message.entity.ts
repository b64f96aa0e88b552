import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The bounded per-charger log of raw OCPP-J frames, in and out, for support. */
@Entity('ocpp_messages')
@Index('ocpp_messages_cp_idx', ['chargePointId', 'id'])
export class OcppMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

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
