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
import type { Role } from '../roles';
import { Organization } from './organization.entity';

/** What is stored; `expired` is also reported for pending invitations past `expiresAt`. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * An invitation to join an organization. The acceptance token is never stored: only its SHA-256,
 * minted when the email is sent (so it never rests in the outbox either) and cleared once used.
 */
@Entity('invitations')
@Index('invitations_org_idx', ['organizationId', 'createdAt'])
@Index('invitations_one_pending_per_email', ['organizationId', 'email'], {
  unique: true,
  where: `status = 'pending'`,
})
export class Invitation {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  /** Lower-cased, so uniqueness and matching are case-insensitive. */
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: InvitationStatus;

  @Column({ type: 'char', length: 64, nullable: true, unique: true, select: false })
  tokenHash: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** When the invitation was last issued (created or resent). */
  @Column({ type: 'timestamptz' })
  sentAt: Date;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitedByUserId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitedByKeyId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  acceptedByUserId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
