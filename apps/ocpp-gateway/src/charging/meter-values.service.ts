import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@csms/common';
import { MeterValue } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';
import { BILLING_MEASURAND, NormalizedSample } from '../ocpp/ocpp-mapper';

export interface SampleTarget {
  sessionId: string | null;
  transactionId: string | null;
  evseNumber: number | null;
  connectorNumber: number | null;
}

/** Stores sampled values once and derives the session's energy from the billing register. */
@Injectable()
export class MeterValuesService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Inserts the samples; a sample already stored (a retried message) is skipped. */
  async store(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    if (samples.length === 0) return;
    const receivedAt = this.clock.now();
    const rows = samples.map((s) => ({
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
      dedupKey: [
        target.transactionId ?? '',
        target.evseNumber ?? '',
        target.connectorNumber ?? '',
        s.sampledAt.toISOString(),
        s.measurand,
        s.phase ?? '',
        s.location ?? '',
        s.context ?? '',
      ]
        .join('|')
        .slice(0, 300),
    }));
    await manager.createQueryBuilder().insert().into(MeterValue).values(rows).orIgnore().execute();
  }

  /**
   * Recomputes meter start/stop, energy and anomaly flags of a session from its stored billing-register
   * samples, in the order the charger took them, so retries and late offline events land right.
   */
  async recompute(sessionId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `WITH e AS (
         SELECT value, sampled_at, coalesce(context, '') AS context,
                lag(value) OVER (ORDER BY sampled_at, id) AS prev
         FROM meter_values
         WHERE session_id = $1 AND measurand = $2 AND phase IS NULL AND (location IS NULL OR location = 'Outlet')),
       agg AS (
         SELECT
           (SELECT value FROM e ORDER BY (context = 'Transaction.Begin') DESC, sampled_at ASC LIMIT 1) AS first,
           (SELECT value FROM e ORDER BY (context = 'Transaction.End') DESC, sampled_at DESC LIMIT 1) AS last,
           coalesce((SELECT bool_or(prev IS NOT NULL AND value < prev) FROM e), false) AS decreasing)
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
       FROM agg WHERE s.id = $1`,
      [sessionId, BILLING_MEASURAND],
    );
  }
}
