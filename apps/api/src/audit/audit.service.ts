import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock, Page, newId, page, pageParams } from '@csms/common';
import { AuditEntry } from '@csms/domain';
import type { Actor } from '@csms/auth';
import { AuditEntryView, AuditQueryDto } from './dto/audit.dto';

export interface AuditChange {
  action: string;
  resourceType: string;
  resourceId: string | null;
  before?: object | null;
  after?: object | null;
}

function toView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    organization_id: entry.organizationId,
    action: entry.action,
    actor: { type: entry.actorType, id: entry.actorId },
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    before: entry.before,
    after: entry.after,
    created_at: entry.createdAt.toISOString(),
  };
}

/** Writes audit entries inside the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(
    manager: EntityManager,
    organizationId: string,
    actor: Actor,
    change: AuditChange,
  ): Promise<void> {
    const entry = manager.create(AuditEntry, {
      id: newId('aud'),
      organizationId,
      actorType: actor.type,
      actorId: actor.id,
      action: change.action,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      before: (change.before as Record<string, unknown> | null | undefined) ?? null,
      after: (change.after as Record<string, unknown> | null | undefined) ?? null,
      createdAt: this.clock.now(),
    });
    // jsonb columns are plain objects; TypeORM's deep-partial type cannot express Record<string, unknown>.
    await manager.insert(AuditEntry, entry as QueryDeepPartialEntity<AuditEntry>);
  }

  async list(organizationId: string, query: AuditQueryDto): Promise<Page<AuditEntryView>> {
    const { take, skip } = pageParams(query);
    const qb = this.db
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actor_id) qb.andWhere('a.actor_id = :actorId', { actorId: query.actor_id });
    if (query.actor_type) qb.andWhere('a.actor_type = :actorType', { actorType: query.actor_type });
    const [rows, total] = await qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    return page(rows.map(toView), total, query);
  }
}
