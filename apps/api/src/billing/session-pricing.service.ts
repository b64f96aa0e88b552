import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { ChargingSession } from '@csms/domain';
import { PricingResult, TariffSnapshot, priceSession } from '../tariffs/pricing';

const BATCH = 200;

export interface SessionCost {
  result: PricingResult | null;
  /** True for an open session: a live estimate up to now. */
  estimate: boolean;
  needsReview: boolean;
  currency: string | null;
}

/**
 * Prices sessions with the tariff copied onto them at their start. A finished session is priced once
 * and stored (the billing worker, on its job or its sweep); until then, and for open sessions, the same
 * computation answers as an estimate.
 */
@Injectable()
export class SessionPricingService {
  private readonly logger = new Logger('SessionPricing');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The session as stored once priced: a finished session not priced yet is priced now and read again,
   * whoever priced it (this call, or the billing worker since the session was read). Any other session
   * is returned as given.
   */
  async pricedNow(session: ChargingSession): Promise<ChargingSession> {
    if (session.status !== 'completed' || session.pricedAt) return session;
    await this.priceFinished(session.id);
    return this.db.getRepository(ChargingSession).findOneByOrFail({ id: session.id });
  }

  /** The cost of a session: stored if priced, computed now otherwise. */
  async costOf(given: ChargingSession): Promise<SessionCost> {
    const needsReview = given.flags.length > 0;
    const session = await this.pricedNow(given);
    if (session.pricedAt) {
      return {
        result: session.costBreakdown as unknown as PricingResult | null,
        estimate: false,
        needsReview: session.needsReview,
        currency: session.currency,
      };
    }
    return { result: await this.compute(session), estimate: true, needsReview, currency: session.currency };
  }

  async compute(session: ChargingSession): Promise<PricingResult | null> {
    const tariff = session.tariffSnapshot as unknown as TariffSnapshot | null;
    if (!tariff) return null;
    const startedAt = session.startedAt ?? session.startReceivedAt ?? session.stoppedAt ?? session.createdAt;
    const rows: Array<{ sampled_at: Date; value: string }> = await this.db.query(
      `SELECT sampled_at, register_wh AS value FROM meter_value_sets
        WHERE session_id = $1 AND register_wh IS NOT NULL
        ORDER BY sampled_at, id`,
      [session.id],
    );
    const lastReading = rows.length ? rows[rows.length - 1].sampled_at.getTime() : 0;
    const endedAt =
      session.status === 'completed'
        ? (session.stoppedAt ?? session.stopReceivedAt ?? startedAt)
        : new Date(Math.max(this.clock.nowMs(), lastReading));
    return priceSession({
      tariff,
      startedAt,
      endedAt,
      readings: rows.map((r) => ({ at: r.sampled_at, wh: Number(r.value) })),
    });
  }

  /** Prices and stores a finished session once; returns whether this call priced it. */
  async priceFinished(sessionId: string): Promise<boolean> {
    const session = await this.db.getRepository(ChargingSession).findOneBy({ id: sessionId });
    if (!session || session.status !== 'completed' || session.pricedAt) return false;
    const result = await this.compute(session);
    const [, affected]: [unknown, number] = await this.db.query(
      `UPDATE charging_sessions SET cost_total_minor = $2, cost_breakdown = $3, priced_at = $4,
         needs_review = cardinality(flags) > 0, updated_at = now()
       WHERE id = $1 AND status = 'completed' AND priced_at IS NULL`,
      [session.id, result?.total_minor ?? null, result ? JSON.stringify(result) : null, this.clock.now()],
    );
    return affected > 0;
  }

  /** Prices an organization's finished sessions still unpriced (before totals are read). */
  async priceUnpricedOf(orgId: string): Promise<void> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM charging_sessions WHERE organization_id = $1 AND status = 'completed' AND priced_at IS NULL
        LIMIT ${BATCH}`,
      [orgId],
    );
    for (const { id } of rows) await this.priceFinished(id);
  }

  /** Prices finished sessions still unpriced (their job was lost, or none was enqueued). */
  async priceUnpriced(): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM charging_sessions WHERE status = 'completed' AND priced_at IS NULL
        ORDER BY stop_received_at NULLS FIRST LIMIT ${BATCH}`,
    );
    let priced = 0;
    for (const { id } of rows) {
      try {
        if (await this.priceFinished(id)) priced++;
      } catch (err) {
        this.logger.warn({ err, sessionId: id }, 'Could not price a session');
      }
    }
    return priced;
  }
}
