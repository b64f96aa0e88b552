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

/**
 * An EVSE of a charge point, addressed by its OCPP number (2.0.1 evseId; in 1.6 every connectorId is
 * its own EVSE). Created by the operator or discovered from StatusNotification.
 */
@Entity('evses')
@Index('evses_cp_number_uq', ['chargePointId', 'evseNumber'], { unique: true })
export class Evse {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 48 })
  chargePointId: string;

  @ManyToOne(() => ChargePoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'charge_point_id' })
  chargePoint?: ChargePoint;

  @Column({ type: 'int' })
  evseNumber: number;

  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: numericTransformer })
  maxPowerKw: number | null;

  /** `operator` or `status_notification`. */
  @Column({ type: 'varchar', length: 24, default: 'operator' })
  source: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
