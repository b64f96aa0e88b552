import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQueryDto, Problems, newId, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargePoint, Organization, Project, Tariff, TariffDefinition } from '@csms/domain';
import { AuditService } from '../audit/audit.service';
import { ProjectTariffAssignmentView, TariffAssignmentView, TariffDto, TariffView } from './dto/tariff.dto';

/** A validated JSON number as an exact decimal string ("0.35"); validation capped it at 6 decimals. */
export function decimalString(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(6).replace(/\.?0+$/, '') : s;
}
const num = (s: string) => Number(s);

function toDefinition(dto: TariffDto): TariffDefinition {
  return {
    price_per_kwh: decimalString(dto.price_per_kwh ?? 0),
    price_per_hour: decimalString(dto.price_per_hour ?? 0),
    session_fee: decimalString(dto.session_fee ?? 0),
    idle_fee_per_minute: decimalString(dto.idle_fee_per_minute ?? 0),
    idle_grace_minutes: dto.idle_grace_minutes ?? 0,
    min_price: dto.min_price === undefined || dto.min_price === null ? null : decimalString(dto.min_price),
    max_price: dto.max_price === undefined || dto.max_price === null ? null : decimalString(dto.max_price),
    tax_rate_percent: decimalString(dto.tax_rate_percent ?? 0),
    windows: (dto.windows ?? []).map((w) => ({
      ...(w.name !== undefined && { name: w.name }),
      ...(w.days !== undefined && { days: [...new Set(w.days)].sort() }),
      start: w.start,
      end: w.end,
      ...(w.price_per_kwh !== undefined && { price_per_kwh: decimalString(w.price_per_kwh) }),
      ...(w.price_per_hour !== undefined && { price_per_hour: decimalString(w.price_per_hour) }),
    })),
  };
}

function validate(dto: TariffDto): void {
  if (dto.min_price != null && dto.max_price != null && dto.min_price > dto.max_price) {
    throw Problems.validation([{ field: 'min_price', message: 'min_price must not exceed max_price' }]);
  }
}

export function tariffView(t: Tariff, currency: string): TariffView {
  const d = t.definition;
  return {
    id: t.id,
    name: t.name,
    currency,
    is_default: t.isDefault,
    price_per_kwh: num(d.price_per_kwh),
    price_per_hour: num(d.price_per_hour),
    session_fee: num(d.session_fee),
    idle_fee_per_minute: num(d.idle_fee_per_minute),
    idle_grace_minutes: d.idle_grace_minutes,
    min_price: d.min_price === null ? null : num(d.min_price),
    max_price: d.max_price === null ? null : num(d.max_price),
    tax_rate_percent: num(d.tax_rate_percent),
    windows: d.windows.map((w) => ({
      ...w,
      price_per_kwh: w.price_per_kwh === undefined ? undefined : num(w.price_per_kwh),
      price_per_hour: w.price_per_hour === undefined ? undefined : num(w.price_per_hour),
    })),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/**
 * Tariffs of the organization, in its currency. Editing one changes only sessions that start
 * afterwards: a session keeps the copy taken when it started.
 */
@Injectable()
export class TariffsService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async currency(orgId: string): Promise<string> {
    const org = await this.db.getRepository(Organization).findOneByOrFail({ id: orgId });
    return org.settings.default_currency;
  }

  private async find(
    auth: AuthContext,
    id: string,
    manager: EntityManager = this.db.manager,
  ): Promise<Tariff> {
    const tariff = await manager.getRepository(Tariff).findOneBy({ id, organizationId: auth.orgId });
    if (!tariff) throw Problems.notFound('Tariff', id);
    return tariff;
  }

  private async clearDefault(manager: EntityManager, orgId: string, exceptId: string): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Tariff)
      .set({ isDefault: false })
      .where('organization_id = :orgId AND is_default AND id <> :exceptId', { orgId, exceptId })
      .execute();
  }

  async create(auth: AuthContext, dto: TariffDto): Promise<TariffView> {
    validate(dto);
    const id = newId('trf');
    await this.db.transaction(async (manager) => {
      if (dto.is_default) await this.clearDefault(manager, auth.orgId, id);
      await manager.insert(Tariff, {
        id,
        organizationId: auth.orgId,
        name: dto.name,
        isDefault: dto.is_default ?? false,
        definition: toDefinition(dto),
      });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'tariff.created',
        resourceType: 'tariff',
        resourceId: id,
        after: { name: dto.name, is_default: dto.is_default ?? false, ...toDefinition(dto) },
      });
    });
    return this.get(auth, id);
  }

  async list(auth: AuthContext, query: PageQueryDto): Promise<Page<TariffView>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(Tariff).findAndCount({
      where: { organizationId: auth.orgId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    const currency = await this.currency(auth.orgId);
    return page(
      rows.map((t) => tariffView(t, currency)),
      total,
      query,
    );
  }

  async get(auth: AuthContext, id: string): Promise<TariffView> {
    return tariffView(await this.find(auth, id), await this.currency(auth.orgId));
  }

  async replace(auth: AuthContext, id: string, dto: TariffDto): Promise<TariffView> {
    validate(dto);
    await this.db.transaction(async (manager) => {
      const tariff = await this.find(auth, id, manager);
      if (dto.is_default) await this.clearDefault(manager, auth.orgId, tariff.id);
      await manager.update(
        Tariff,
        { id: tariff.id, organizationId: auth.orgId },
        { name: dto.name, isDefault: dto.is_default ?? false, definition: toDefinition(dto) },
      );
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'tariff.updated',
        resourceType: 'tariff',
        resourceId: tariff.id,
        before: { name: tariff.name, is_default: tariff.isDefault, ...tariff.definition },
        after: { name: dto.name, is_default: dto.is_default ?? false, ...toDefinition(dto) },
      });
    });
    return this.get(auth, id);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const tariff = await this.find(auth, id, manager);
      await manager.update(
        ChargePoint,
        { organizationId: auth.orgId, tariffId: tariff.id },
        { tariffId: null },
      );
      await manager.update(Project, { organizationId: auth.orgId, tariffId: tariff.id }, { tariffId: null });
      await manager.delete(Tariff, { id: tariff.id, organizationId: auth.orgId });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'tariff.deleted',
        resourceType: 'tariff',
        resourceId: tariff.id,
        before: { name: tariff.name, is_default: tariff.isDefault, ...tariff.definition },
      });
    });
  }

  async assign(
    auth: AuthContext,
    chargePointId: string,
    tariffId: string | null,
  ): Promise<TariffAssignmentView> {
    const cp = await this.db
      .getRepository(ChargePoint)
      .findOneBy({ id: chargePointId, organizationId: auth.orgId });
    if (!cp) throw Problems.notFound('Charge point', chargePointId);
    if (tariffId !== null) await this.find(auth, tariffId);
    await this.db.transaction(async (manager) => {
      await manager.update(ChargePoint, { id: cp.id, organizationId: auth.orgId }, { tariffId });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'charge_point.tariff_assigned',
        resourceType: 'charge_point',
        resourceId: cp.id,
        before: { tariff_id: cp.tariffId },
        after: { tariff_id: tariffId },
      });
    });
    return { charge_point_id: cp.id, tariff_id: tariffId };
  }

  /**
   * Assigns a tariff to a project: its charge points without a tariff of their own are priced with it
   * (charge point → project → organization default, resolved when a session starts).
   */
  async assignToProject(
    auth: AuthContext,
    projectId: string,
    tariffId: string | null,
  ): Promise<ProjectTariffAssignmentView> {
    const project = await this.db
      .getRepository(Project)
      .findOneBy({ id: projectId, organizationId: auth.orgId });
    if (!project) throw Problems.notFound('Project', projectId);
    if (tariffId !== null) await this.find(auth, tariffId);
    await this.db.transaction(async (manager) => {
      await manager.update(Project, { id: project.id, organizationId: auth.orgId }, { tariffId });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'project.tariff_assigned',
        resourceType: 'project',
        resourceId: project.id,
        before: { tariff_id: project.tariffId },
        after: { tariff_id: tariffId },
      });
    });
    return { project_id: project.id, tariff_id: tariffId };
  }
}
