import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every status a charger reported, for `GET /charge-points/{id}/status-history`. Null EVSE = the charger itself. */
@Entity('status_history')
@Index('status_history_cp_idx', ['chargePointId', 'id'])
/** Finds a report the charger sent again (same timestamp), so it is stored once. */
@Index('status_history_cp_time_idx', ['chargePointId', 'chargerTimestamp'])
export class StatusHistoryEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @Column({ type: 'int', nullable: true })
  evseNumber: number | null;

  @Column({ type: 'int', nullable: true })
  connectorNumber: number | null;

  @Column({ type: 'varchar', length: 24 })
  status: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  errorCode: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  info: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  vendorErrorCode: string | null;

  @Column({ type: 'timestamptz' })
  chargerTimestamp: Date;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;
}
