import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const DRIVER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type DriverStatus = (typeof DRIVER_STATUSES)[number];

/**
 * A driver of an organization's network: a user of kind `driver` (no organization role) who holds id
 * tags and sees their own sessions in the portal. The invitation to set a password follows the member
 * invitation rules: the token is minted when the email is sent, stored only as its hash, used once.
 */
@Entity('drivers')
@Index('drivers_org_idx', ['organizationId', 'createdAt'])
@Index('drivers_user_uq', ['userId'], { unique: true })
@Index('drivers_invitation_token_uq', ['invitationTokenHash'], { unique: true })
export class Driver {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 40 })
  userId: string;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  @Column({ type: 'varchar', length: 16, default: 'invited' })
  status: DriverStatus;

  @Column({ type: 'varchar', length: 64, nullable: true })
  invitationTokenHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  invitationExpiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
