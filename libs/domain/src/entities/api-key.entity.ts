import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

@Entity('api_keys')
@Index('api_keys_org_idx', ['organizationId', 'createdAt'])
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The first characters of the key, shown so a person can recognise it. */
  @Column({ type: 'varchar', length: 32 })
  prefix: string;

  /** SHA-256 of the key, hex. The key itself is never stored. */
  @Column({ type: 'char', length: 64, unique: true, select: false })
  keyHash: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ type: 'varchar', length: 40, nullable: true })
  createdByUserId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  createdByKeyId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
