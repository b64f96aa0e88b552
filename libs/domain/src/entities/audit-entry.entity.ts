import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditActorType = 'user' | 'api_key' | 'system';

/** One change to an organization's data: who, what, when, before and after. Written in the change's transaction. */
@Entity('audit_log')
@Index('audit_log_org_idx', ['organizationId', 'createdAt'])
export class AuditEntry {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 16 })
  actorType: AuditActorType;

  @Column({ type: 'varchar', length: 40, nullable: true })
  actorId: string | null;

  /** `resource.verb`, e.g. `member.role_changed`. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 32 })
  resourceType: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  resourceId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
