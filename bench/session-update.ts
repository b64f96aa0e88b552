/**
 * What one MeterValues costs its session as the session grows: a session holding K stored register
 * readings gets 300 more messages of one reading each, written by the gateway's MeterValuesService
 * against a fresh database. Two sessions side by side, their messages interleaved: one the new readings
 * extend (updated from its row and the new readings), one recomputed in full at every message (a
 * Transaction.End reading taken first keeps it off the extending path; its readings are read and sorted
 * again each time, which is what every message cost before sessions could be extended).
 *
 *   npm run build && node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/session-update.ts [K ...]
 */
import { Clock } from '@csms/common';
import { layoutDigest } from '@csms/domain';
import { MeterValuesService } from '../apps/ocpp-gateway/src/charging/meter-values.service';
import type { ChargerConnection } from '../apps/ocpp-gateway/src/ocpp/connections.service';
import { scratchDatabase } from './lib/scratch-database';
import { formatTable } from './lib/stats';

const MESSAGES = 300;
/** The layout of the stored readings: one billing-register value each. */
const REGISTER_FIELDS = {
  measurands: ['Energy.Active.Import.Register'],
  phases: [null],
  locations: [null],
  contexts: ['Sample.Periodic'],
  units: ['Wh'],
};
const REGISTER_LAYOUT = layoutDigest(REGISTER_FIELDS);
const MODES = ['extended', 'full recompute'] as const;

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const scratch = await scratchDatabase('sessions');
  const { db } = scratch;
  const rows: Array<Record<string, string | number>> = [];
  try {
    const meters = new MeterValuesService(db, new Clock());
    await db.query(
      `INSERT INTO organizations (id, name, slug, country, contact_email, settings)
       VALUES ('org_bench', 'Bench', 'bench', 'DE', 'bench@example.com', '{}')`,
    );
    await db.query(
      `INSERT INTO charge_points (id, organization_id, name, ocpp_version, registration_status, security_profile)
       VALUES ('cp_bench', 'org_bench', 'Bench', '1.6', 'accepted', 0)`,
    );
    await db.query(
      `INSERT INTO meter_value_layouts (digest, measurands, phases, locations, contexts, units)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [REGISTER_LAYOUT, ...Object.values(REGISTER_FIELDS)],
    );
    const connection = { organizationId: 'org_bench', chargePointId: 'cp_bench' } as ChargerConnection;
    for (const stored of sizes.length ? sizes : [10, 100, 1000]) {
      const t0 = Date.now() - 100_000_000;
      const times: Record<string, number[]> = {};
      for (const mode of MODES) {
        const id = `sess_${stored}_${mode === 'extended' ? 'x' : 'f'}`;
        // A session of `stored` readings, one every 10 s, meter start 10 Wh, its row as the recompute left it.
        await db.query(
          `INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
             evse_number, connector_number, status, started_at, meter_start_wh, last_meter_wh, energy_wh,
             register_tail_at)
           VALUES ($1::varchar, 'org_bench', 'cp_bench', '1.6', $1::varchar, 1, 1, 'active',
             to_timestamp($2::float8 / 1000), 10, $3::int * 10, $3::int * 10 - 10,
             CASE WHEN $4 THEN to_timestamp(($2::float8 + $3::int * 10000) / 1000) END)`,
          [id, t0, stored, mode === 'extended'],
        );
        await db.query(
          `INSERT INTO meter_value_sets (organization_id, charge_point_id, session_id, evse_number,
             connector_number, sampled_at, received_at, dedup_key, register_wh, register_context, layout,
             values, raw_values)
           SELECT 'org_bench', 'cp_bench', $1::varchar, 1, 1, to_timestamp(($2::float8 + g * 10000) / 1000),
             now(), md5($1::text || g)::uuid, g * 10,
             CASE WHEN g = 1 AND NOT $4 THEN 'Transaction.End' ELSE 'Sample.Periodic' END,
             $5::uuid, ARRAY[g * 10]::numeric[], ARRAY[(g * 10)::text]
           FROM generate_series(1, $3::int) AS g`,
          [id, t0, stored, mode === 'extended', REGISTER_LAYOUT],
        );
        times[mode] = [];
      }
      await db.query(`ANALYZE meter_value_sets, charging_sessions`);
      for (let i = 0; i < MESSAGES; i++) {
        const value = (stored + 1 + i) * 10;
        for (const mode of MODES) {
          const id = `sess_${stored}_${mode === 'extended' ? 'x' : 'f'}`;
          const started = performance.now();
          await meters.storeAndRecompute(
            connection,
            [
              {
                sampledAt: new Date(t0 + (stored + 1 + i) * 10_000),
                measurand: 'Energy.Active.Import.Register',
                phase: null,
                location: null,
                context: 'Sample.Periodic',
                unit: 'Wh',
                value,
                rawValue: String(value),
              },
            ],
            { sessionId: id, transactionId: id, evseNumber: 1, connectorNumber: 1 },
          );
          times[mode].push(performance.now() - started);
        }
      }
      for (const mode of MODES) {
        const sorted = Float64Array.from(times[mode]).sort();
        rows.push({
          'stored readings': stored,
          session: mode,
          messages: MESSAGES,
          'p50 ms': sorted[Math.floor(MESSAGES / 2)],
          'p90 ms': sorted[Math.floor(MESSAGES * 0.9)],
        });
      }
    }
  } finally {
    await scratch.drop();
  }
  console.log(formatTable(rows));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
