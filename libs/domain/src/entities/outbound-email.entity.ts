import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const OUTBOUND_EMAIL_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type OutboundEmailStatus = (typeof OUTBOUND_EMAIL_STATUSES)[number];
export type OutboundEmailTemplate =
  'invitation' | 'site_owner_invitation' | 'site_owner_submitted' | 'driver_invitation' | 'dispute_resolved';

/**
 * The email outbox: a message is a row, written in the transaction of the change that causes it,
 * before it is a job. The body is rendered when sent, so secrets (acceptance links) are never stored.
 */
@Entity('outbound_emails')
@Index('outbound_emails_pending_idx', ['createdAt'], { where: `status = 'pending'` })
@Index('outbound_emails_invitation_idx', ['invitationId'])
@Index('outbound_emails_site_owner_invitation_idx', ['siteOwnerInvitationId'])
export class OutboundEmail {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', length: 320 })
  recipient: string;

  @Column({ type: 'varchar', length: 40 })
  template: OutboundEmailTemplate;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invitationId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  siteOwnerInvitationId: string | null;

  /** The site owner an operator notification is about. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  siteOwnerId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  driverId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  disputeId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboundEmailStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  subject: string | null;

  /** The transport's message id once sent. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  messageId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
