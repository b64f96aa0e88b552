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

export const SITE_OWNER_INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type SiteOwnerInvitationStatus = (typeof SITE_OWNER_INVITATION_STATUSES)[number];

/**
 * An invitation to host projects of an organization. Same token rules as member invitations: only the
 * SHA-256 of the token is stored, minted when the email is sent, single use, expiring.
 */
@Entity('site_owner_invitations')
@Index('site_owner_invitations_org_idx', ['organizationId', 'createdAt'])
export class SiteOwnerInvitation {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  /** Lower-cased. */
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  companyName: string | null;

  @Column({ type: 'jsonb' })
  projectIds: string[];

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: SiteOwnerInvitationStatus;

  @Column({ type: 'char', length: 64, nullable: true, unique: true, select: false })
  tokenHash: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitedByUserId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitedByKeyId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  siteOwnerId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
