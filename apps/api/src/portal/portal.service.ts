import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Problems } from '@csms/common';
import { AuthContext } from '@csms/auth';
import { ChargingSession, Organization } from '@csms/domain';
import { costBreakdownView } from '../billing/cost-view';
import { dateRange } from '../billing/date-range';
import { SessionPricingService } from '../billing/session-pricing.service';
import { DisputesService } from '../disputes/disputes.service';
import { DisputeView } from '../disputes/dto/dispute.dto';
import { CostBreakdownView } from '../sessions/dto/session-cost.dto';
import { minorToMajor } from '../tariffs/pricing';
import { CreateDisputeDto, DisputeCreatedView, PortalSessionListView } from './dto/portal.dto';
import { renderReceipt } from './receipt';

/**
 * The driver portal: the calling driver's own sessions (the driver recorded on the session at its
 * start), their costs, receipts and disputes. Anything else answers 404.
 */
@Injectable()
export class PortalService {
  constructor(
    private readonly db: DataSource,
    private readonly pricing: SessionPricingService,
    private readonly disputes: DisputesService,
  ) {}

  private driver(auth: AuthContext): { orgId: string; driverId: string } {
    return { orgId: auth.orgId, driverId: auth.driverId! };
  }

  private async session(auth: AuthContext, id: string): Promise<ChargingSession> {
    const { orgId, driverId } = this.driver(auth);
    const session = await this.db
      .getRepository(ChargingSession)
      .findOneBy({ id, organizationId: orgId, driverId });
    if (!session) throw Problems.notFound('Session', id);
    return session;
  }

  async sessions(
    auth: AuthContext,
    query: { from?: string; to?: string; limit?: number },
  ): Promise<PortalSessionListView> {
    const { orgId, driverId } = this.driver(auth);
    const org = await this.db.getRepository(Organization).findOneByOrFail({ id: orgId });
    const range = dateRange(query.from, query.to, org.settings.timezone);
    const qb = this.db
      .getRepository(ChargingSession)
      .createQueryBuilder('s')
      .where('s.organization_id = :orgId AND s.driver_id = :driverId', { orgId, driverId });
    if (range.from) qb.andWhere('coalesce(s.started_at, s.created_at) >= :from', { from: range.from });
    if (range.before) qb.andWhere('coalesce(s.started_at, s.created_at) < :before', { before: range.before });
    const [rows, total] = await qb
      .orderBy('coalesce(s.started_at, s.created_at)', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(query.limit ?? 20)
      .getManyAndCount();
    // Finished sessions not priced yet are priced together, before each row's cost is read.
    const sessions = await this.pricing.pricedAll(rows);
    const data = await Promise.all(
      sessions.map(async (s) => {
        const cost = await this.pricing.costOf(s);
        const currency = cost.result?.currency ?? s.currency;
        return {
          session_id: s.id,
          charge_point_id: s.chargePointId,
          started_at: s.startedAt?.toISOString() ?? null,
          ended_at: (s.stoppedAt ?? s.stopReceivedAt)?.toISOString() ?? null,
          energy_kwh: Number(s.energyWh ?? 0) / 1000,
          cost: cost.result && currency ? minorToMajor(cost.result.total_minor, currency) : null,
          currency,
        };
      }),
    );
    return { data, total };
  }

  async costBreakdown(auth: AuthContext, id: string): Promise<CostBreakdownView> {
    const session = await this.session(auth, id);
    return costBreakdownView(session, await this.pricing.costOf(session));
  }

  async receipt(auth: AuthContext, id: string, compress = true): Promise<Buffer> {
    const session = await this.session(auth, id);
    if (session.status !== 'completed') {
      throw Problems.conflict('session_not_finished', 'A receipt is available once the session has ended');
    }
    const cost = await this.pricing.costOf(session);
    if (!cost.result) {
      throw Problems.conflict(
        'session_not_priced',
        'This session has no tariff, so there is nothing to bill',
      );
    }
    const organization = await this.db
      .getRepository(Organization)
      .findOneByOrFail({ id: session.organizationId });
    return renderReceipt({ organization, session, cost: cost.result, options: { compress } });
  }

  async dispute(auth: AuthContext, id: string, dto: CreateDisputeDto): Promise<DisputeCreatedView> {
    const session = await this.session(auth, id);
    if (session.status !== 'completed') {
      throw Problems.conflict('session_not_finished', 'Only a finished session can be disputed');
    }
    await this.pricing.costOf(session);
    return this.disputes.open(session, auth.driverId!, dto.reason, dto.expected_cost);
  }

  async myDisputes(auth: AuthContext): Promise<{ data: DisputeView[] }> {
    const { orgId, driverId } = this.driver(auth);
    return { data: await this.disputes.listForDriver(orgId, driverId) };
  }
}
