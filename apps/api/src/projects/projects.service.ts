import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Page, Problems, newId, page, pageParams } from '@csms/common';
import { ChargePoint, Project, SiteOwner } from '@csms/domain';
import type { AuthContext } from '@csms/auth';
import { CreateProjectDto, ProjectQueryDto, ProjectView, UpdateProjectDto } from './dto/project.dto';

export function toProjectView(p: Project, chargePointCount: number): ProjectView {
  return {
    id: p.id,
    name: p.name,
    address: p.address,
    coordinates:
      p.latitude === null || p.longitude === null ? null : { latitude: p.latitude, longitude: p.longitude },
    status: p.status,
    site_owner_id: p.siteOwnerId,
    tariff_id: p.tariffId,
    charge_point_count: chargePointCount,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** Projects (sites) of the caller's organization; every query is scoped by it. */
@Injectable()
export class ProjectsService {
  constructor(private readonly db: DataSource) {}

  /** Live charge points per project, in one query. */
  async chargePointCounts(
    projectIds: string[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, number>> {
    if (projectIds.length === 0) return new Map();
    const rows = await manager
      .getRepository(ChargePoint)
      .createQueryBuilder('cp')
      .select('cp.projectId', 'project_id')
      .addSelect('COUNT(*)::int', 'count')
      .where({ projectId: In(projectIds), decommissionedAt: IsNull() })
      .groupBy('cp.projectId')
      .getRawMany<{ project_id: string; count: number }>();
    return new Map(rows.map((r) => [r.project_id, Number(r.count)]));
  }

  /** The organization's project, or 404 (also for another organization's project). */
  async findOwned(orgId: string, id: string, manager: EntityManager = this.db.manager): Promise<Project> {
    const project = await manager.getRepository(Project).findOneBy({ id, organizationId: orgId });
    if (!project) throw Problems.notFound('Project', id);
    return project;
  }

  async create(auth: AuthContext, dto: CreateProjectDto): Promise<ProjectView> {
    const siteOwnerId = dto.site_owner_id ? await this.checkSiteOwner(auth.orgId, dto.site_owner_id) : null;
    const project = this.db.getRepository(Project).create({
      id: newId('proj'),
      organizationId: auth.orgId,
      name: dto.name,
      address: dto.address ?? null,
      latitude: dto.coordinates?.latitude ?? null,
      longitude: dto.coordinates?.longitude ?? null,
      status: dto.status ?? 'commissioning',
      siteOwnerId,
    });
    await this.db.getRepository(Project).insert(project);
    return toProjectView(await this.findOwned(auth.orgId, project.id), 0);
  }

  async list(auth: AuthContext, query: ProjectQueryDto): Promise<Page<ProjectView>> {
    const { take, skip } = pageParams(query);
    const qb = this.db
      .getRepository(Project)
      .createQueryBuilder('p')
      .where('p.organizationId = :org', { org: auth.orgId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.site_owner_id) qb.andWhere('p.siteOwnerId = :so', { so: query.site_owner_id });
    const [rows, total] = await qb
      .orderBy('p.createdAt', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    const counts = await this.chargePointCounts(rows.map((r) => r.id));
    return page(
      rows.map((p) => toProjectView(p, counts.get(p.id) ?? 0)),
      total,
      query,
    );
  }

  async get(auth: AuthContext, id: string): Promise<ProjectView> {
    const project = await this.findOwned(auth.orgId, id);
    const counts = await this.chargePointCounts([id]);
    return toProjectView(project, counts.get(id) ?? 0);
  }

  async update(auth: AuthContext, id: string, dto: UpdateProjectDto): Promise<ProjectView> {
    const project = await this.findOwned(auth.orgId, id);
    const changes: Partial<Project> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.address !== undefined) changes.address = dto.address;
    if (dto.coordinates !== undefined) {
      changes.latitude = dto.coordinates?.latitude ?? null;
      changes.longitude = dto.coordinates?.longitude ?? null;
    }
    if (dto.status !== undefined) changes.status = dto.status;
    if (dto.site_owner_id !== undefined) {
      changes.siteOwnerId = dto.site_owner_id
        ? await this.checkSiteOwner(auth.orgId, dto.site_owner_id)
        : null;
    }
    if (Object.keys(changes).length) {
      await this.db.getRepository(Project).update({ id: project.id, organizationId: auth.orgId }, changes);
    }
    return this.get(auth, id);
  }

  /** Refused while charge points (decommissioned ones too: their history points here) reference it. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const project = await manager
        .getRepository(Project)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where('p.id = :id AND p.organization_id = :org', { id, org: auth.orgId })
        .getOne();
      if (!project) throw Problems.notFound('Project', id);
      const count = await manager.getRepository(ChargePoint).countBy({ projectId: id });
      if (count > 0) {
        throw Problems.conflict(
          'project_has_charge_points',
          `Project ${id} still has ${count} charge point(s): move or remove them first`,
          { charge_point_count: count },
        );
      }
      await manager.getRepository(Project).delete({ id, organizationId: auth.orgId });
    });
  }

  private async checkSiteOwner(orgId: string, siteOwnerId: string): Promise<string> {
    const exists = await this.db
      .getRepository(SiteOwner)
      .existsBy({ id: siteOwnerId, organizationId: orgId });
    if (!exists) throw Problems.notFound('Site owner', siteOwnerId);
    return siteOwnerId;
  }
}
