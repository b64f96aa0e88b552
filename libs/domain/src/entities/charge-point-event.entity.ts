import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Charger reports kept as they came: DataTransfer, Diagnostics/Firmware/Log status, NotifyEvent,
 * SecurityEventNotification, NotifyReport.
 */
@Entity('charge_point_events')
@Index('charge_point_events_cp_idx', ['chargePointId', 'kind', 'id'])
export class ChargePointEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  /** The OCPP action, e.g. `FirmwareStatusNotification`. */
  @Column({ type: 'varchar', length: 48 })
  kind: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', nullable: true })
  chargerTimestamp: Date | null;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;
}
