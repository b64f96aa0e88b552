import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { Clock, Page, PageQueryDto, Problems, page, pageParams } from '@csms/common';
import { AuthContext, hashChargerPassword } from '@csms/auth';
import {
  ChargePoint,
  ChargePointEvent,
  Connector,
  OcppMessage,
  StatusHistoryEntry,
  queryPrepared,
} from '@csms/domain';
import { ConnectionRegistry } from '@csms/queues';
import { ProjectsService } from '../projects/projects.service';
import { ChargePointHooks } from './charge-point-hooks.service';
import {
  CHARGE_POINT_VIEW_FIELDS,
  CHARGE_POINT_VIEW_TIMESTAMPS,
  ChargePointRow,
  iso,
  toChargePointView,
} from './charge-point.mapper';
import {
  ChargerEventQueryDto,
  ChargerEventView,
  ChargePointListQueryDto,
  ChargePointStatusView,
  ChargePointView,
  CreateChargePointDto,
  EvseStatusView,
  OcppMessageView,
  PasswordView,
  SetPasswordDto,
  StatusHistoryEntryView,
  StatusHistoryQueryDto,
  UpdateChargePointDto,
} from './dto/charge-point.dto';

@Injectable()
export class ChargePointsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly registry: ConnectionRegistry,
    private readonly hooks: ChargePointHooks,
    private readonly projects: ProjectsService,
  ) {}

  /** The caller's live (not decommissioned) charge point, or 404. */
  async findOwned(auth: AuthContext, id: string): Promise<ChargePoint> {
    const cp = await this.db
      .getRepository(ChargePoint)
      .findOneBy({ id, organizationId: auth.orgId, decommissionedAt: IsNull() });
    if (!cp) throw Problems.notFound('Charge point', id);
    return cp;
  }

  async create(auth: AuthContext, dto: CreateChargePointDto): Promise<ChargePointView> {
    if (dto.project_id) await this.projects.findOwned(auth.orgId, dto.project_id);
    const now = this.clock.now();
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(ChargePoint)
      .values({
        id: dto.id,
        organizationId: auth.orgId,
        name: dto.name ?? null,
        ocppVersion: dto.ocpp_version ?? 'auto',
        registrationStatus: dto.registration_status ?? 'accepted',
        securityProfile: dto.security_profile ?? 1,
        location: dto.location ?? null,
        projectId: dto.project_id ?? null,
        passwordHash: dto.password ? hashChargerPassword(dto.password) : null,
        passwordUpdatedAt: dto.password ? now : null,
      })
      .orIgnore()
      .execute();
    if (!result.identifiers.length || result.raw.length === 0) {
      throw Problems.conflict('charge_point_exists', `A charge point with id ${dto.id} already exists`, {
        errors: [{ field: 'id', message: 'id is already taken' }],
      });
    }
    return toChargePointView(await this.findOwned(auth, dto.id), null);
  }

  /**
   * One page of charge points: the hottest read of the api, so one prepared statement carries the page
   * (from the partial index `charge_points_org_live_idx`) and the total. Unfiltered, the total is the
   * organization's counter in `charge_point_counts`, kept by triggers in the same transactions as the
   * charge points, so a page costs the same for a fleet of 10 or 10,000; filtered, it is a count.
   */
  async list(auth: AuthContext, query: ChargePointListQueryDto): Promise<Page<ChargePointView>> {
    const { take, skip } = pageParams(query);
    const { where, params } = listFilter(auth.orgId, query);
    if (query.connected !== undefined)
      return this.listByConnection(where, params, query, query.connected === 'true');
    const n = params.length;
    // Unfiltered, the total is the organization's counter (kept by triggers); filtered, a count.
    const totalSql =
      n === 1
        ? `coalesce((SELECT live FROM charge_point_counts WHERE organization_id = $1), 0)`
        : `(SELECT count(*)::int FROM charge_points cp WHERE ${where})`;
    const rows = await queryPrepared<ChargePointRow & { total: number }>(
      this.db,
      `SELECT ${VIEW_COLUMNS}, ${totalSql} AS total
       FROM charge_points cp WHERE ${where} ORDER BY ${LIST_ORDER} LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, take, skip],
    );
    // Past the last page there is no row to carry the total: count on its own.
    const total = rows.length
      ? rows[0].total
      : (
          (await this.db.query(`SELECT count(*)::int AS n FROM charge_points cp WHERE ${where}`, params)) as {
            n: number;
          }[]
        )[0].n;
    const nodes = await this.registry.nodesOf(rows.map((r) => r.id));
    return page(
      rows.map((cp) => toChargePointView(cp, nodes.get(cp.id) ?? null)),
      total,
      query,
    );
  }

  /** Connection state lives in Redis: filter the matching ids there, then read the requested page. */
  private async listByConnection(
    where: string,
    params: unknown[],
    query: ChargePointListQueryDto,
    connected: boolean,
  ): Promise<Page<ChargePointView>> {
    const { take, skip } = pageParams(query);
    const ids = (
      (await this.db.query(
        `SELECT cp.id FROM charge_points cp WHERE ${where} ORDER BY ${LIST_ORDER}`,
        params,
      )) as { id: string }[]
    ).map((r) => r.id);
    const nodes = await this.registry.nodesOf(ids);
    const matching = ids.filter((id) => (nodes.get(id) !== null) === connected);
    const pageIds = matching.slice(skip, skip + take);
    const rows: ChargePointRow[] = pageIds.length
      ? await this.db.query(`SELECT ${VIEW_COLUMNS} FROM charge_points cp WHERE cp.id = ANY($1)`, [pageIds])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return page(
      pageIds
        .filter((id) => byId.has(id))
        .map((id) => toChargePointView(byId.get(id)!, nodes.get(id) ?? null)),
      matching.length,
      query,
    );
  }

  async get(auth: AuthContext, id: string): Promise<ChargePointView> {
    const cp = await this.findOwned(auth, id);
    return toChargePointView(cp, await this.registry.nodeOf(cp.id));
  }

  async update(auth: AuthContext, id: string, dto: UpdateChargePointDto): Promise<ChargePointView> {
    const cp = await this.findOwned(auth, id);
    const wasAccepted = cp.registrationStatus === 'accepted';
    const changes: Partial<ChargePoint> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.ocpp_version !== undefined) changes.ocppVersion = dto.ocpp_version;
    if (dto.registration_status !== undefined) changes.registrationStatus = dto.registration_status;
    if (dto.security_profile !== undefined) changes.securityProfile = dto.security_profile;
    if (dto.location !== undefined) changes.location = dto.location;
    if (dto.project_id !== undefined) {
      if (dto.project_id) await this.projects.findOwned(auth.orgId, dto.project_id);
      changes.projectId = dto.project_id;
    }
    if (Object.keys(changes).length) {
      await this.db.getRepository(ChargePoint).update({ id: cp.id, organizationId: auth.orgId }, changes);
    }
    const updated = await this.findOwned(auth, id);
    if (!wasAccepted && updated.registrationStatus === 'accepted')
      await this.hooks.registrationAccepted(updated);
    return toChargePointView(updated, await this.registry.nodeOf(cp.id));
  }

  /** Decommissions: refused at the handshake, hidden from lists; sessions and history stay. */
  async decommission(auth: AuthContext, id: string): Promise<void> {
    const cp = await this.findOwned(auth, id);
    await this.db
      .getRepository(ChargePoint)
      .update({ id: cp.id, organizationId: auth.orgId }, { decommissionedAt: this.clock.now() });
    await this.hooks.decommissioned(cp);
  }

  /**
   * Sets (or generates: 20 random bytes as 40 hex characters) the charger's Basic-auth password. The
   * previous one stays valid until the charger connects with the new one.
   */
  async setPassword(auth: AuthContext, id: string, dto: SetPasswordDto): Promise<PasswordView> {
    const cp = await this.findOwned(auth, id);
    const generated = dto.password === undefined;
    const password = dto.password ?? randomBytes(20).toString('hex');
    const now = this.clock.now();
    await this.db.query(
      `UPDATE charge_points SET previous_password_hash = password_hash, password_hash = $3,
         password_updated_at = $4, updated_at = now()
       WHERE id = $1 AND organization_id = $2`,
      [cp.id, auth.orgId, hashChargerPassword(password), now],
    );
    const pushed = (await this.registry.nodeOf(cp.id)) ? await this.hooks.pushPassword(cp, password) : false;
    return {
      charge_point_id: cp.id,
      ...(generated ? { password } : {}),
      generated,
      push_requested: pushed,
      updated_at: now.toISOString(),
    };
  }

  async status(auth: AuthContext, id: string): Promise<ChargePointStatusView> {
    const cp = await this.findOwned(auth, id);
    const [node, connectors] = await Promise.all([
      this.registry.nodeOf(cp.id),
      this.db.getRepository(Connector).find({
        where: { chargePointId: cp.id, organizationId: auth.orgId },
        order: { evseNumber: 'ASC', connectorNumber: 'ASC' },
      }),
    ]);
    const evses = new Map<number, EvseStatusView>();
    for (const c of connectors) {
      const evse = evses.get(c.evseNumber) ?? { evse_id: c.evseNumber, connectors: [] };
      evse.connectors.push({
        connector_id: c.connectorNumber,
        status: c.status,
        error_code: c.errorCode,
        info: c.info,
        vendor_error_code: c.vendorErrorCode,
        status_at: iso(c.statusAt),
      });
      evses.set(c.evseNumber, evse);
    }
    return {
      charge_point_id: cp.id,
      connected: node !== null,
      gateway_node: node,
      connected_ocpp_version: cp.connectedOcppVersion,
      last_seen_at: iso(cp.lastSeenAt),
      last_connected_at: iso(cp.lastConnectedAt),
      last_disconnected_at: iso(cp.lastDisconnectedAt),
      status: cp.status,
      error_code: cp.statusErrorCode,
      status_at: iso(cp.statusAt),
      evses: [...evses.values()],
    };
  }

  async statusHistory(
    auth: AuthContext,
    id: string,
    query: StatusHistoryQueryDto,
  ): Promise<Page<StatusHistoryEntryView>> {
    const cp = await this.findOwned(auth, id);
    const { take, skip } = pageParams(query);
    const qb = this.db
      .getRepository(StatusHistoryEntry)
      .createQueryBuilder('h')
      .where('h.chargePointId = :cp AND h.organizationId = :org', { cp: cp.id, org: auth.orgId });
    if (query.evse_id === 0) qb.andWhere('h.evseNumber IS NULL');
    else if (query.evse_id !== undefined) qb.andWhere('h.evseNumber = :e', { e: query.evse_id });
    const [rows, total] = await qb.orderBy('h.id', 'DESC').take(take).skip(skip).getManyAndCount();
    return page(
      rows.map((h) => ({
        evse_id: h.evseNumber,
        connector_id: h.connectorNumber,
        status: h.status,
        error_code: h.errorCode,
        info: h.info,
        vendor_error_code: h.vendorErrorCode,
        timestamp: h.chargerTimestamp.toISOString(),
        received_at: h.receivedAt.toISOString(),
      })),
      total,
      query,
    );
  }

  /** Reports the charger sent for the record (firmware, diagnostics, security events, NotifyReport, ...). */
  async events(auth: AuthContext, id: string, query: ChargerEventQueryDto): Promise<Page<ChargerEventView>> {
    const cp = await this.findOwned(auth, id);
    const { take, skip } = pageParams(query);
    const where: Record<string, unknown> = { chargePointId: cp.id, organizationId: auth.orgId };
    if (query.kind) where.kind = query.kind;
    const [rows, total] = await this.db.getRepository(ChargePointEvent).findAndCount({
      where,
      order: { id: 'DESC' },
      take,
      skip,
    });
    return page(
      rows.map((e) => ({
        id: e.id,
        kind: e.kind,
        payload: e.payload,
        charger_timestamp: iso(e.chargerTimestamp),
        received_at: e.receivedAt.toISOString(),
      })),
      total,
      query,
    );
  }

  async messages(auth: AuthContext, id: string, query: PageQueryDto): Promise<Page<OcppMessageView>> {
    const cp = await this.findOwned(auth, id);
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(OcppMessage).findAndCount({
      where: { chargePointId: cp.id },
      order: { id: 'DESC' },
      take,
      skip,
    });
    return page(
      rows.map((m) => ({
        id: m.id,
        direction: m.direction,
        message_type: m.messageType,
        message_id: m.messageId,
        action: m.action,
        frame: parseFrame(m.frame),
        gateway_node: m.gatewayNode,
        created_at: m.createdAt.toISOString(),
      })),
      total,
      query,
    );
  }
}

function parseFrame(frame: string): unknown {
  try {
    return JSON.parse(frame);
  } catch {
    return frame;
  }
}

/** Newest first; read backwards along `charge_points_org_live_idx` (organization, created_at, id). */
const LIST_ORDER = 'cp.created_at DESC, cp.id DESC';

/**
 * The columns a charge point view needs, named as the entity's properties; the timestamps it shows as
 * ISO 8601 text in UTC with milliseconds, exactly as `Date.toISOString` writes them.
 */
const VIEW_COLUMNS = CHARGE_POINT_VIEW_FIELDS.map((f) =>
  (CHARGE_POINT_VIEW_TIMESTAMPS as readonly string[]).includes(f)
    ? `to_char(cp.${snakeCase(f)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${f}"`
    : `cp.${snakeCase(f)} AS "${f}"`,
).join(', ');

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The WHERE clause (over alias `cp`) and its parameters for the list filters. */
function listFilter(orgId: string, query: ChargePointListQueryDto): { where: string; params: unknown[] } {
  const params: unknown[] = [orgId];
  const clauses = ['cp.organization_id = $1', 'cp.decommissioned_at IS NULL'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (query.registration_status) add((n) => `cp.registration_status = ${n}`, query.registration_status);
  if (query.ocpp_version) add((n) => `cp.ocpp_version = ${n}`, query.ocpp_version);
  if (query.project_id) add((n) => `cp.project_id = ${n}`, query.project_id);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add((n) => `(cp.id ILIKE ${n} OR cp.name ILIKE ${n} OR cp.location ILIKE ${n})`, like);
  }
  return { where: clauses.join(' AND '), params };
}
