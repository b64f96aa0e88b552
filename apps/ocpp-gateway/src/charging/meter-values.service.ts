import { Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@csms/common';
import type { ChargerConnection } from '../ocpp/connections.service';
import { WriteBatcher } from './write-batcher';
import { BILLING_MEASURAND, NormalizedSample } from '../ocpp/ocpp-mapper';

export interface SampleTarget {
  sessionId: string | null;
  transactionId: string | null;
  evseNumber: number | null;
  connectorNumber: number | null;
}

interface MeterRow {
  organizationId: string;
  chargePointId: string;
  sessionId: string | null;
  evseNumber: number | null;
  connectorNumber: number | null;
  sampledAt: Date;
  receivedAt: Date;
  measurand: string;
  phase: string | null;
  location: string | null;
  context: string | null;
  unit: string | null;
  value: number;
  rawValue: string;
  dedupKey: string;
}

/**
 * The identity of a sample as a uuid: the MD5 of its key (transaction, EVSE, connector, time, measurand,
 * phase, location, context), cut at 300 characters as the key was stored before it became a digest, so
 * it equals `md5(key)::uuid` of the samples stored then.
 */
export function dedupDigest(key: string): string {
  const h = hash('md5', key.slice(0, 300), 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The samples a session's energy is derived from: the billing register, whole meter, at the outlet or
 * unspecified. Written out (not a parameter) so that the planner matches `meter_values_register_idx`,
 * whose predicate it is.
 */
const REGISTER_SAMPLE = `measurand = '${BILLING_MEASURAND}' AND phase IS NULL AND (location IS NULL OR location = 'Outlet')`;

interface MeterWrite {
  rows: MeterRow[];
  sessionId: string | null;
}

/** Stores sampled values once and derives the session's energy from the billing register. */
@Injectable()
export class MeterValuesService {
  /** MeterValues of many chargers written together: one INSERT and one recompute per batch. */
  private readonly batcher = new WriteBatcher<MeterWrite>((writes) => this.writeBatch(writes), {
    maxBatch: 1000,
    maxConcurrent: 4,
  });

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A MeterValues message: stores its samples and recomputes its session, batched with the messages of
   * other chargers; resolves once committed, so the CALLRESULT follows the write.
   */
  storeAndRecompute(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
  ): Promise<void> {
    const rows = this.rowsOf(connection, samples, target);
    if (rows.length === 0 && !target.sessionId) return Promise.resolve();
    return this.batcher.add({ rows, sessionId: target.sessionId });
  }

  /** Inserts the samples; a sample already stored (a retried message) is skipped. */
  async store(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await this.insert(this.rowsOf(connection, samples, target), manager);
  }

  private rowsOf(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
  ): MeterRow[] {
    const receivedAt = this.clock.now();
    return samples.map((s) => ({
      organizationId: connection.organizationId,
      chargePointId: connection.chargePointId,
      sessionId: target.sessionId,
      evseNumber: target.evseNumber,
      connectorNumber: target.connectorNumber,
      sampledAt: s.sampledAt,
      receivedAt,
      measurand: s.measurand.slice(0, 64),
      phase: s.phase,
      location: s.location,
      context: s.context,
      unit: s.unit,
      value: s.value,
      rawValue: s.rawValue,
      dedupKey: dedupDigest(
        [
          target.transactionId ?? '',
          target.evseNumber ?? '',
          target.connectorNumber ?? '',
          s.sampledAt.toISOString(),
          s.measurand,
          s.phase ?? '',
          s.location ?? '',
          s.context ?? '',
        ].join('|'),
      ),
    }));
  }

  /** One INSERT of column arrays (cheap to build and to parse, whatever the number of rows). */
  private async insert(rows: MeterRow[], manager: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof MeterRow>(k: K) => rows.map((r) => r[k]);
    await manager.query(
      `INSERT INTO meter_values (organization_id, charge_point_id, session_id, evse_number, connector_number,
         sampled_at, received_at, measurand, phase, location, context, unit, value, raw_value, dedup_key)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[], $5::int[],
         $6::timestamptz[], $7::timestamptz[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[],
         $12::varchar[], $13::numeric[], $14::varchar[], $15::uuid[])
       ON CONFLICT (charge_point_id, sampled_at, dedup_key) DO NOTHING`,
      [
        col('organizationId'),
        col('chargePointId'),
        col('sessionId'),
        col('evseNumber'),
        col('connectorNumber'),
        col('sampledAt'),
        col('receivedAt'),
        col('measurand'),
        col('phase'),
        col('location'),
        col('context'),
        col('unit'),
        rows.map((r) => String(r.value)),
        col('rawValue'),
        col('dedupKey'),
      ],
    );
  }

  /** One transaction per batch: the commit (a WAL flush) is what a write costs most. */
  private async writeBatch(writes: MeterWrite[]): Promise<void> {
    const sessions = [...new Set(writes.map((w) => w.sessionId).filter((id): id is string => id !== null))];
    const rows = writes.flatMap((w) => w.rows);
    if (sessions.length === 0) return this.insert(rows, this.db.manager);
    await this.db.transaction(async (manager) => {
      await this.insert(rows, manager);
      await this.recomputeMany(sessions.sort(), manager);
    });
  }

  /**
   * Recomputes meter start/stop, energy and anomaly flags of a session from its stored billing-register
   * samples, in the order the charger took them, so retries and late offline events land right.
   */
  recompute(sessionId: string, manager: EntityManager = this.db.manager): Promise<void> {
    return this.recomputeMany([sessionId], manager);
  }

  private async recomputeMany(sessionIds: string[], manager: EntityManager): Promise<void> {
    await manager.query(
      `WITH e AS (
         SELECT session_id, value, sampled_at, coalesce(context, '') AS context,
                lag(value) OVER (PARTITION BY session_id ORDER BY sampled_at, id) AS prev
         FROM meter_values
         WHERE session_id = ANY($1::varchar[]) AND ${REGISTER_SAMPLE}),
       g AS (
         SELECT session_id,
           (array_agg(value ORDER BY (context = 'Transaction.Begin') DESC, sampled_at ASC))[1] AS first,
           (array_agg(value ORDER BY (context = 'Transaction.End') DESC, sampled_at DESC))[1] AS last,
           bool_or(prev IS NOT NULL AND value < prev) AS decreasing
         FROM e GROUP BY session_id),
       agg AS (
         SELECT ids.id, g.first, g.last, coalesce(g.decreasing, false) AS decreasing
         FROM unnest($1::varchar[]) AS ids(id) LEFT JOIN g ON g.session_id = ids.id)
       UPDATE charging_sessions s SET
         meter_start_wh = agg.first,
         last_meter_wh = agg.last,
         meter_stop_wh = CASE WHEN s.status = 'completed' THEN agg.last ELSE NULL END,
         energy_wh = CASE WHEN agg.first IS NULL THEN NULL ELSE greatest(agg.last - agg.first, 0) END,
         flags = ARRAY(SELECT DISTINCT f FROM unnest(
           s.flags
           || CASE WHEN agg.decreasing THEN ARRAY['decreasing_register'] ELSE ARRAY[]::text[] END
           || CASE WHEN s.status = 'completed' AND agg.last < agg.first
                   THEN ARRAY['meter_stop_below_start'] ELSE ARRAY[]::text[] END) AS f ORDER BY f),
         updated_at = now()
       FROM agg WHERE s.id = agg.id`,
      [sessionIds],
    );
  }
}
