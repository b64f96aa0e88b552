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
import { User } from './user.entity';

@Entity('memberships')
@Index('memberships_org_user_key', ['organizationId', 'userId'], { unique: true })
@Index('memberships_one_owner_per_org', ['organizationId'], { unique: true, where: `role = 'owner'` })
@Index('memberships_user_idx', ['userId'])
export class Membership {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 40 })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
