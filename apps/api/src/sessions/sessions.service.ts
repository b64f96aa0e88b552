import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, PageQueryDto, Problems, page, pageParams } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargingSession, Organization } from '@csms/domain';
import { SessionPricingService } from '../billing/session-pricing.service';
import { costBreakdownView } from '../billing/cost-view';
import { dateRange } from '../billing/date-range';
import { minorToMajor } from '../tariffs/pricing';
import { CostBreakdownView } from './dto/session-cost.dto';
import {
  MeterValueView,
  SessionDetailView,
  SessionListQueryDto,
  SessionStatsQueryDto,
  SessionStatsView,
  SessionView,
} from './dto/session.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const DETAIL_METER_VALUES = 500;

export function sessionView(s: ChargingSession): SessionView {
  return {
    id: s.id,
    charge_point_id: s.chargePointId,
    ocpp_version: s.ocppVersion,
    transaction_id: s.transactionId,
    evse_id: s.evseNumber,
    connector_id: s.connectorNumber,
    id_tag: s.idTag,
    id_tag_ref: s.idTagId,
    driver_id: s.driverId,
    remote_start_id: s.remoteStartId,
    status: s.status,
    started_at: iso(s.startedAt),
    stopped_at: iso(s.stoppedAt),
    start_received_at: iso(s.startReceivedAt),
    stop_received_at: iso(s.stopReceivedAt),
    meter_start_wh: s.meterStartWh,
    meter_stop_wh: s.meterStopWh,
    last_meter_wh: s.lastMeterWh,
    energy_wh: s.energyWh,
    stop_reason: s.stopReason,
    stop_requested_reason: s.stopRequestedReason,
    flags: s.flags,
    cost: s.costTotalMinor === null || !s.currency ? null : minorToMajor(s.costTotalMinor, s.currency),
    currency: s.currency,
    priced_at: iso(s.pricedAt),
    needs_review: s.pricedAt ? s.needsReview : s.flags.length > 0,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** A stored sampled value: one element of a sampled-value set's arrays. */
interface MeterValueRow {
  sampled_at: Date;
  received_at: Date;
  measurand: string;
  phase: string | null;
  location: string | null;
  context: string | null;
  unit: string | null;
  value: string;
  raw_value: string;
}

const meterValueView = (m: MeterValueRow): MeterValueView => ({
  sampled_at: m.sampled_at.toISOString(),
  measurand: m.measurand,
  phase: m.phase,
  location: m.location,
  context: m.context,
  unit: m.unit,
  value: Number(m.value),
  raw_value: m.raw_value,
  received_at: m.received_at.toISOString(),
});

/**
 * The sampled values of a session in the charger's time order (then in the order it sent them), `take`
 * from `skip`: the values of its sampled-value sets, one row each, described by each set's layout.
 */
const SESSION_METER_VALUES = `
  SELECT m.sampled_at, m.received_at, v.measurand, v.phase, v.location, v.context, v.unit, v.value,
    v.raw_value
  FROM meter_value_sets m
  JOIN meter_value_layouts l ON l.digest = m.layout
  CROSS JOIN LATERAL unnest(l.measurands, l.phases, l.locations, l.contexts, l.units, m.values, m.raw_values)
    WITH ORDINALITY AS v(measurand, phase, location, context, unit, value, raw_value, n)
  WHERE m.session_id = $1
  ORDER BY m.sampled_at, m.id, v.n
  LIMIT $2 OFFSET $3`;

/** Charging sessions (OCPP transactions) of the organization with their cost. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: DataSource,
    private readonly pricing: SessionPricingService,
  ) {}

  private async organization(orgId: string): Promise<Organization> {
    return this.db.getRepository(Organization).findOneByOrFail({ id: orgId });
  }

  async list(auth: AuthContext, query: SessionListQueryDto): Promise<Page<SessionView>> {
    const { take, skip } = pageParams(query);
    const org = await this.organization(auth.orgId);
    const range = dateRange(query.from, query.to, org.settings.timezone);
    const qb = this.db
      .getRepository(ChargingSession)
      .createQueryBuilder('s')
      .where('s.organization_id = :orgId', { orgId: auth.orgId });
    if (query.charge_point_id) qb.andWhere('s.charge_point_id = :cp', { cp: query.charge_point_id });
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    if (query.id_tag) qb.andWhere('lower(s.id_tag) = lower(:tag)', { tag: query.id_tag });
    if (query.driver_id) qb.andWhere('s.driver_id = :driver', { driver: query.driver_id });
    if (range.from) qb.andWhere('coalesce(s.started_at, s.created_at) >= :from', { from: range.from });
    if (range.before) qb.andWhere('coalesce(s.started_at, s.created_at) < :before', { before: range.before });
    const [rows, total] = await qb
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(take)
      .skip(skip)
      .getManyAndCount();
    // Finished sessions the worker has not priced yet are priced now, so the list shows their cost.
    return page((await this.pricing.pricedAll(rows)).map(sessionView), total, query);
  }

  private async find(auth: AuthContext, id: string): Promise<ChargingSession> {
    const session = await this.db
      .getRepository(ChargingSession)
      .findOneBy({ id, organizationId: auth.orgId });
    if (!session) throw Problems.notFound('Session', id);
    return session;
  }

  async get(auth: AuthContext, id: string): Promise<SessionDetailView> {
    const session = await this.find(auth, id);
    const cost = await this.pricing.costOf(session);
    const fresh = await this.find(auth, id);
    const values: MeterValueRow[] = await this.db.query(SESSION_METER_VALUES, [
      session.id,
      DETAIL_METER_VALUES,
      0,
    ]);
    return {
      ...sessionView(fresh),
      cost_breakdown: costBreakdownView(fresh, cost),
      meter_values: values.map(meterValueView),
    };
  }

  async costBreakdown(auth: AuthContext, id: string): Promise<CostBreakdownView> {
    const session = await this.find(auth, id);
    return costBreakdownView(session, await this.pricing.costOf(session));
  }

  /** The session's sampled values in the charger's time order. */
  async meterValues(auth: AuthContext, id: string, query: PageQueryDto): Promise<Page<MeterValueView>> {
    const session = await this.find(auth, id);
    const { take, skip } = pageParams(query);
    const [rows, [{ total }]]: [MeterValueRow[], Array<{ total: number }>] = await Promise.all([
      this.db.query(SESSION_METER_VALUES, [session.id, take, skip]),
      this.db.query(
        `SELECT coalesce(sum(cardinality(values)), 0)::int AS total FROM meter_value_sets
         WHERE session_id = $1`,
        [session.id],
      ),
    ]);
    return page(rows.map(meterValueView), total, query);
  }

  /** Sessions, energy and revenue per day (in the organization's timezone) or per charge point. */
  async stats(auth: AuthContext, query: SessionStatsQueryDto): Promise<SessionStatsView> {
    const org = await this.organization(auth.orgId);
    const timezone = org.settings.timezone;
    const currency = org.settings.default_currency;
    const range = dateRange(query.from, query.to, timezone);
    await this.pricing.priceUnpricedOf(auth.orgId);
    const groupBy = query.group_by ?? 'day';
    const key =
      groupBy === 'day'
        ? `to_char(coalesce(s.started_at, s.created_at) AT TIME ZONE $2, 'YYYY-MM-DD')`
        : 's.charge_point_id';
    const rows: Array<{
      key: string;
      sessions: number;
      energy_wh: string | null;
      revenue_minor: string | null;
    }> = await this.db.query(
      `SELECT ${key} AS key, count(*)::int AS sessions, sum(coalesce(s.energy_wh, 0)) AS energy_wh,
                sum(s.cost_total_minor) FILTER (WHERE s.currency = $3) AS revenue_minor
           FROM charging_sessions s
          WHERE s.organization_id = $1 AND $2::text IS NOT NULL
            AND ($4::timestamptz IS NULL OR coalesce(s.started_at, s.created_at) >= $4)
            AND ($5::timestamptz IS NULL OR coalesce(s.started_at, s.created_at) < $5)
          GROUP BY 1 ORDER BY 1`,
      [auth.orgId, timezone, currency, range.from, range.before],
    );
    const data = rows.map((r) => ({
      ...(groupBy === 'day' ? { day: r.key } : { charge_point_id: r.key }),
      sessions: r.sessions,
      energy_kwh: Number(r.energy_wh ?? 0) / 1000,
      revenue: minorToMajor(Number(r.revenue_minor ?? 0), currency),
    }));
    const totalRevenueMinor = rows.reduce((sum, r) => sum + Number(r.revenue_minor ?? 0), 0);
    return {
      group_by: groupBy,
      timezone,
      currency,
      data,
      totals: {
        sessions: rows.reduce((sum, r) => sum + r.sessions, 0),
        energy_kwh: rows.reduce((sum, r) => sum + Number(r.energy_wh ?? 0), 0) / 1000,
        revenue: minorToMajor(totalRevenueMinor, currency),
      },
    };
  }
}
