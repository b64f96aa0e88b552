import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Clock } from '@csms/common';
import { ChargingSession } from '@csms/domain';
import { PricingResult, TariffSnapshot, priceSession } from '../tariffs/pricing';

/** Sessions priced by one statement: their readings are read, and their costs written, together. */
const BATCH = 500;
/** Most sessions one sweep (or one read of the totals) prices; the next one goes on from there. */
const MOST_PER_RUN = 50_000;

export interface SessionCost {
  result: PricingResult | null;
  /** True for an open session: a live estimate up to now. */
  estimate: boolean;
  needsReview: boolean;
  currency: string | null;
}

interface Reading {
  session_id: string;
  sampled_at: Date;
  value: string;
}

/** What pricing reads of a session. */
type PricingSubject = Pick<
  ChargingSession,
  | 'id'
  | 'status'
  | 'tariffSnapshot'
  | 'startedAt'
  | 'startReceivedAt'
  | 'stoppedAt'
  | 'stopReceivedAt'
  | 'createdAt'
>;

/**
 * Prices sessions with the tariff copied onto them at their start. A finished session is priced once
 * and stored (the billing worker's sweep, or the first read of it); until then, and for open sessions,
 * the same computation answers as an estimate. Finished sessions are priced in batches: one read of
 * the sessions, one of their register readings and one update for up to {@link BATCH} of them.
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
    return (await this.pricedAll([session]))[0];
  }

  /** {@link pricedNow} for many sessions, with one batch for those to price. */
  async pricedAll(sessions: ChargingSession[]): Promise<ChargingSession[]> {
    const due = sessions.filter((s) => s.status === 'completed' && !s.pricedAt).map((s) => s.id);
    if (due.length === 0) return sessions;
    await this.priceFinishedMany(due);
    const stored = await this.db.getRepository(ChargingSession).findBy({ id: In(due) });
    const byId = new Map(stored.map((s) => [s.id, s]));
    return sessions.map((s) => byId.get(s.id) ?? s);
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
    if (!session.tariffSnapshot) return null;
    return this.computeWith(session, await this.readingsOf([session.id]));
  }

  /** Billing-register readings of the sessions, each session's in the order the charger took them. */
  private readingsOf(sessionIds: string[]): Promise<Reading[]> {
    return this.db.query(
      `SELECT session_id, sampled_at, register_wh AS value FROM meter_value_sets
        WHERE session_id = ANY($1::varchar[]) AND register_wh IS NOT NULL
        ORDER BY session_id, sampled_at, id`,
      [sessionIds],
    );
  }

  /** Prices a session from its own register readings, in the order the charger took them. */
  private computeWith(session: PricingSubject, readings: Reading[]): PricingResult | null {
    const tariff = session.tariffSnapshot as unknown as TariffSnapshot | null;
    if (!tariff) return null;
    const startedAt = session.startedAt ?? session.startReceivedAt ?? session.stoppedAt ?? session.createdAt;
    const lastReading = readings.length ? readings[readings.length - 1].sampled_at.getTime() : 0;
    const endedAt =
      session.status === 'completed'
        ? (session.stoppedAt ?? session.stopReceivedAt ?? startedAt)
        : new Date(Math.max(this.clock.nowMs(), lastReading));
    return priceSession({
      tariff,
      startedAt,
      endedAt,
      readings: readings.map((r) => ({ at: r.sampled_at, wh: Number(r.value) })),
    });
  }

  /** Prices and stores a finished session once; returns whether this call priced it. */
  async priceFinished(sessionId: string): Promise<boolean> {
    return (await this.priceFinishedMany([sessionId])).priced > 0;
  }

  /**
   * Prices and stores, once, those of the sessions that are finished and not priced yet: how many this
   * call priced, and those it could not (their pricing threw; they stay unpriced and are logged).
   */
  async priceFinishedMany(sessionIds: string[]): Promise<{ priced: number; failed: string[] }> {
    // Only the columns pricing reads, without building entities: a sweep reads thousands.
    const sessions = (
      await this.db.query(
        `SELECT id, tariff_snapshot, started_at, start_received_at, stopped_at, stop_received_at, created_at
           FROM charging_sessions
          WHERE id = ANY($1::varchar[]) AND status = 'completed' AND priced_at IS NULL`,
        [sessionIds],
      )
    ).map((r: Record<string, any>): PricingSubject => ({
      id: r.id,
      status: 'completed',
      tariffSnapshot: r.tariff_snapshot,
      startedAt: r.started_at,
      startReceivedAt: r.start_received_at,
      stoppedAt: r.stopped_at,
      stopReceivedAt: r.stop_received_at,
      createdAt: r.created_at,
    })) as PricingSubject[];
    if (sessions.length === 0) return { priced: 0, failed: [] };
    const withTariff = sessions.filter((s) => s.tariffSnapshot).map((s) => s.id);
    const readings = withTariff.length ? await this.readingsOf(withTariff) : [];
    // Readings come sorted by session: each session takes its own run of them.
    const bySession = new Map<string, Reading[]>();
    for (const r of readings) {
      const list = bySession.get(r.session_id);
      if (list) list.push(r);
      else bySession.set(r.session_id, [r]);
    }
    const ids: string[] = [];
    const totals: Array<string | null> = [];
    const breakdowns: Array<string | null> = [];
    const failed: string[] = [];
    for (const session of sessions) {
      try {
        const result = this.computeWith(session, bySession.get(session.id) ?? []);
        ids.push(session.id);
        totals.push(result ? String(result.total_minor) : null);
        breakdowns.push(result ? JSON.stringify(result) : null);
      } catch (err) {
        failed.push(session.id);
        this.logger.warn({ err, sessionId: session.id }, 'Could not price a session');
      }
    }
    if (ids.length === 0) return { priced: 0, failed };
    const priced: Array<{ id: string }> = await this.db.query(
      `UPDATE charging_sessions s SET cost_total_minor = v.total, cost_breakdown = v.breakdown, priced_at = $4,
         needs_review = cardinality(s.flags) > 0, updated_at = now()
       FROM unnest($1::varchar[], $2::int[], $3::jsonb[]) AS v(id, total, breakdown)
       WHERE s.id = v.id AND s.status = 'completed' AND s.priced_at IS NULL
       RETURNING s.id`,
      [ids, totals, breakdowns, this.clock.now()],
    );
    return { priced: priced.length, failed };
  }

  /** Prices an organization's finished sessions still unpriced (before totals are read). */
  priceUnpricedOf(orgId: string): Promise<number> {
    return this.priceAllUnpriced(orgId);
  }

  /** Prices finished sessions still unpriced (the sweep: sessions end without a job of their own). */
  priceUnpriced(): Promise<number> {
    return this.priceAllUnpriced(null);
  }

  /**
   * Prices unpriced finished sessions (of one organization, or all), the longest finished first, batch
   * after batch until none is left or {@link MOST_PER_RUN} were tried. A session whose pricing throws is
   * passed over for the rest of the run, so it never holds up the others.
   */
  private async priceAllUnpriced(orgId: string | null): Promise<number> {
    const failed: string[] = [];
    let priced = 0;
    for (let tried = 0; tried < MOST_PER_RUN; tried += BATCH) {
      const rows: Array<{ id: string }> = await this.db.query(
        `SELECT id FROM charging_sessions
          WHERE status = 'completed' AND priced_at IS NULL AND ($1::varchar IS NULL OR organization_id = $1)
            AND id <> ALL($2::varchar[])
          ORDER BY stop_received_at NULLS FIRST LIMIT ${BATCH}`,
        [orgId, failed],
      );
      if (rows.length === 0) break;
      const done = await this.priceFinishedMany(rows.map((r) => r.id));
      priced += done.priced;
      failed.push(...done.failed);
      if (rows.length < BATCH) break;
    }
    return priced;
  }
}
