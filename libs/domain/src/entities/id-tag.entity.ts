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
import { Organization } from './organization.entity';

export const ID_TAG_TYPES = [
  'rfid',
  'app',
  'central',
  'emaid',
  'iso15693',
  'key_code',
  'local',
  'mac_address',
  'no_authorization',
] as const;
export type IdTagType = (typeof ID_TAG_TYPES)[number];
export const ID_TAG_STATUSES = ['active', 'blocked'] as const;
export type IdTagStatus = (typeof ID_TAG_STATUSES)[number];

/**
 * An id tag (1.6 idTag, 2.0.1 idToken) of an organization. Matched case-insensitively (1.6 idTag is a
 * CiString20), so the lower-cased value is unique per organization.
 */
@Entity('id_tags')
@Index('id_tags_org_value_uq', ['organizationId', 'valueNormalized'], { unique: true })
@Index('id_tags_org_idx', ['organizationId', 'createdAt'])
@Index('id_tags_driver_idx', ['driverId'])
export class IdTag {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 36 })
  value: string;

  @Column({ type: 'varchar', length: 36 })
  valueNormalized: string;

  @Column({ type: 'varchar', length: 20, default: 'rfid' })
  type: IdTagType;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: IdTagStatus;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  label: string | null;

  /** The driver holding the tag; sessions record it at their start. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  driverId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
