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
import { numericTransformer } from './numeric.transformer';
import { Organization } from './organization.entity';
import { SiteOwner } from './site-owner.entity';

export const PROJECT_STATUSES = ['active', 'inactive', 'commissioning'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A site: a place hosting charge points (their `project_id`), optionally hosted by a site owner. */
@Entity('projects')
@Index('projects_org_idx', ['organizationId', 'createdAt'])
@Index('projects_site_owner_idx', ['siteOwnerId'])
export class Project {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: ProjectStatus;

  @Column({ type: 'varchar', length: 40, nullable: true })
  siteOwnerId: string | null;

  /** The tariff of the project's charge points that have none of their own; the organization's default when null. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  tariffId: string | null;

  @ManyToOne(() => SiteOwner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'site_owner_id' })
  siteOwner?: SiteOwner | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
