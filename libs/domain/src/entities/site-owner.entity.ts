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
import { User } from './user.entity';

/** `onboarding` until submitted; then `approval_pending`; the operator makes it `active` or `rejected`. */
export const SITE_OWNER_STATUSES = ['onboarding', 'approval_pending', 'active', 'rejected'] as const;
export type SiteOwnerStatus = (typeof SITE_OWNER_STATUSES)[number];

/**
 * An external partner hosting charge points of one organization. Not a member: a site owner's rights
 * come from this row (and the projects it hosts), never from a role. One per user.
 */
@Entity('site_owners')
@Index('site_owners_org_idx', ['organizationId', 'createdAt'])
@Index('site_owners_user_key', ['userId'], { unique: true })
export class SiteOwner {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 40 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 20, default: 'onboarding' })
  status: SiteOwnerStatus;

  @Column({ type: 'varchar', length: 200, nullable: true })
  companyName: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  contactName: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  contactPhone: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  taxId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  profileCompletedAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  accountHolder: string | null;

  /** AES-256-GCM of the IBAN (iv.tag.ciphertext, base64url); never selected unless asked for. */
  @Column({ type: 'varchar', length: 300, nullable: true, select: false })
  ibanEncrypted: string | null;

  @Column({ type: 'varchar', length: 4, nullable: true })
  ibanLast4: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  bankDetailsCompletedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  rejectedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitedByUserId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
