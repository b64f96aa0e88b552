import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from './organization.entity';
import { Project } from './project.entity';

export const OCPP_VERSIONS = ['1.6', '2.0.1'] as const;
export type OcppVersion = (typeof OCPP_VERSIONS)[number];
export type ExpectedOcppVersion = OcppVersion | 'auto';
export const REGISTRATION_STATUSES = ['accepted', 'pending', 'rejected'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export type SecurityProfile = 0 | 1 | 2;
/** OCPP identity alphabet (OCPP 2.0.1 security whitepaper), 1–48 characters. */
export const CHARGE_POINT_ID_PATTERN = /^[A-Za-z0-9*_=:+|@.-]{1,48}$/;

/**
 * A charger, identified by its OCPP identity (the last path segment of its websocket URL), unique
 * across the system. Decommissioned chargers keep their row (and history) but are refused at the handshake.
 */
@Entity('charge_points')
@Index('charge_points_org_idx', ['organizationId', 'createdAt'])
/** The list of an organization's live charge points: its page (read backwards) and its count. */
@Index('charge_points_org_live_idx', ['organizationId', 'createdAt', 'id'], {
  where: 'decommissioned_at IS NULL',
})
@Index('charge_points_project_idx', ['projectId'])
export class ChargePoint {
  /** The OCPP identity, e.g. `cp_001`. */
  @PrimaryColumn({ type: 'varchar', length: 48 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  /** What the operator expects; `auto` accepts either subprotocol. */
  @Column({ type: 'varchar', length: 8, default: 'auto' })
  ocppVersion: ExpectedOcppVersion;

  /** The subprotocol of the current or last connection. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  connectedOcppVersion: OcppVersion | null;

  @Column({ type: 'varchar', length: 16, default: 'accepted' })
  registrationStatus: RegistrationStatus;

  @Column({ type: 'smallint', default: 1 })
  securityProfile: SecurityProfile;

  @Column({ type: 'varchar', length: 500, nullable: true })
  location: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  projectId: string | null;

  /** A project with charge points cannot be deleted. */
  @ManyToOne(() => Project, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_id' })
  project?: Project | null;

  /** Salted hash of the charger's Basic-auth password (see libs/auth chargerPassword helpers). */
  @Column({ type: 'varchar', length: 200, nullable: true, select: false })
  passwordHash: string | null;

  /** The previous password's hash, accepted until the charger reconnects with the new one. */
  @Column({ type: 'varchar', length: 200, nullable: true, select: false })
  previousPasswordHash: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  vendor: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  model: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  serialNumber: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  firmwareVersion: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastBootAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  decommissionedAt: Date | null;

  /** Status of the charger as a whole (1.6 connectorId 0), with the charger's timestamp. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  status: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  statusErrorCode: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  statusAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastConnectedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastDisconnectedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  passwordUpdatedAt: Date | null;

  /** The tariff sessions here are priced with; the organization's default when null. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  tariffId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
