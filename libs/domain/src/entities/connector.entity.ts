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

/** A connector of an EVSE (1.6 connectorId N is EVSE N, connector 1), with its live OCPP status. */
@Entity('connectors')
@Index('connectors_cp_evse_number_uq', ['chargePointId', 'evseNumber', 'connectorNumber'], { unique: true })
export class Connector {
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

  @Column({ type: 'int' })
  connectorNumber: number;

  /** e.g. `cType2`, `cCCS2`, `sType2` (OCPP 2.0.1 ConnectorEnumType names). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  connectorType: string | null;

  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: numericTransformer })
  maxPowerKw: number | null;

  @Column({ type: 'varchar', length: 24, default: 'operator' })
  source: string;

  /** The OCPP status as the charger reported it (Available, Preparing, Charging, Occupied, Faulted, ...). */
  @Column({ type: 'varchar', length: 24, nullable: true })
  status: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  errorCode: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  info: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  vendorErrorCode: string | null;

  /** The charger's timestamp of the status. */
  @Column({ type: 'timestamptz', nullable: true })
  statusAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
