/**
 * What the gateway's writes of MeterValues cost Postgres, apart from the rest of the stack: on a fresh
 * database, S active sessions each get one realistic MeterValues (ten sampled values) per round, written
 * by the gateway's MeterValuesService in batches of B messages (its batcher forms them as the gateway
 * does under load), and each message's two frames go to the message log (MessageLogService). Prints, per
 * statement kind, the Postgres backend CPU time per message (read from /proc, so the figure does not
 * depend on what else the machine runs, unlike wall time), the WAL it writes per message (the server's
 * WAL position before and after, so run it with nothing else writing) and the wall time of a batch. Needs Postgres on
 * this machine, readable under /proc (run as root or as the postgres user).
 *
 *   npm run build && node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/meter-batch.ts \
 *     [--sessions S] [--batch B] [--rounds R]
 */
import { Client } from 'pg';
import { AppConfig, Clock } from '@csms/common';
import { MeterValuesService } from '../apps/ocpp-gateway/src/charging/meter-values.service';
import { CallsInFlight } from '../apps/ocpp-gateway/src/ocpp/calls-in-flight';
import { MessageLogService } from '../apps/ocpp-gateway/src/ocpp/message-log.service';
import type { ChargerConnection } from '../apps/ocpp-gateway/src/ocpp/connections.service';
import { NormalizedSample, samplesOf16 } from '../apps/ocpp-gateway/src/ocpp/ocpp-mapper';
import { numberFlag } from './lib/args';
import { meterValues } from './lib/charger';
import { cpuMs } from './lib/process-stats';
import { backendPids, onScratchDatabase, runTool, seedChargePoints } from './lib/scratch-database';
import { formatTable } from './lib/stats';

/** CPU time (ms) used so far by the Postgres backends serving this database. */
async function backendCpuMs(admin: Client, database: string): Promise<number> {
  return cpuMs(await backendPids(admin, database));
}

/** WAL written so far by the server (bytes): what each kind of statement adds to it. */
async function walBytes(admin: Client): Promise<number> {
  const { rows } = await admin.query(
    `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 AS b`,
  );
  return rows[0].b;
}

/** The samples of a bench charger's MeterValues taken at `at`, through the gateway's own mapper. */
function samplesOf(energyWh: number, at: Date): NormalizedSample[] {
  const [value] = meterValues(1, 1, energyWh).meterValue;
  return samplesOf16([{ ...value, timestamp: at.toISOString() }]);
}

async function main(): Promise<void> {
  const sessions = numberFlag(process.argv, 'sessions', 3000);
  const batch = numberFlag(process.argv, 'batch', 500);
  const rounds = numberFlag(process.argv, 'rounds', 20);
  await onScratchDatabase('meters', async ({ db, name }, admin) => {
    const table: Array<Record<string, string | number>> = [];
    const clock = new Clock();
    const meters = new MeterValuesService(db, clock);
    const log = new MessageLogService(db, clock, {
      log: { level: 'warn' },
      gateway: { nodeId: 'bench-node-1' },
    } as AppConfig);
    await seedChargePoints(db, sessions);
    const t0 = Date.now() - 10 * 86_400_000;
    // Sessions as StartTransaction leaves them: meter start 0 Wh at t0, extended by later readings.
    await db.query(
      `INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
         evse_number, connector_number, status, started_at, meter_start_wh, last_meter_wh, energy_wh,
         register_tail_at)
       SELECT 'sess_' || g, 'org_bench', 'cp_' || g, '1.6', g::text, 1, 1, 'active', to_timestamp($2 / 1000.0),
         0, 0, 0, to_timestamp($2 / 1000.0)
       FROM generate_series(1, $1::int) g`,
      [sessions, t0],
    );
    await db.query(`ANALYZE`);
    const connections = Array.from(
      { length: sessions },
      (_, i) => ({ organizationId: 'org_bench', chargePointId: `cp_${i + 1}` }) as ChargerConnection,
    );
    const actions = new CallsInFlight<string>();
    const frame = (i: number, round: number) =>
      JSON.stringify([2, `m-${round}-${i}`, 'MeterValues', meterValues(1, i + 1, round * 1000)]);
    let meterCpu = 0;
    let logCpu = 0;
    let meterWal = 0;
    let logWal = 0;
    const walls: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const at = new Date(t0 + round * 10_000);
      for (let from = 0; from < sessions; from += batch) {
        const ids = Array.from({ length: Math.min(batch, sessions - from) }, (_, k) => from + k);
        const walBefore = await walBytes(admin);
        const cpuBefore = await backendCpuMs(admin, name);
        const started = performance.now();
        await Promise.all(
          ids.map((i) =>
            meters.storeAndRecompute(connections[i], samplesOf(round * 1000, at), {
              sessionId: `sess_${i + 1}`,
              transactionId: String(i + 1),
              evseNumber: 1,
              connectorNumber: 1,
            }),
          ),
        );
        walls.push(performance.now() - started);
        const cpuBetween = await backendCpuMs(admin, name);
        meterCpu += cpuBetween - cpuBefore;
        const walBetween = await walBytes(admin);
        meterWal += walBetween - walBefore;
        for (const i of ids) {
          log.record(connections[i].chargePointId, 'in', frame(i, round), actions);
          log.record(connections[i].chargePointId, 'out', `[3,"m-${round}-${i}",{}]`, actions);
        }
        await log.flush();
        logCpu += (await backendCpuMs(admin, name)) - cpuBetween;
        logWal += (await walBytes(admin)) - walBetween;
      }
    }
    const messages = sessions * rounds;
    const sorted = Float64Array.from(walls).sort();
    table.push({
      messages,
      'batch of': batch,
      'MeterValues statement: backend CPU µs/message': Math.round((meterCpu * 1000) / messages),
      'batch wall p50 ms': sorted[Math.floor(sorted.length / 2)],
      'MeterValues WAL bytes/message': Math.round(meterWal / messages),
      'message log: backend CPU µs/message (2 frames)': Math.round((logCpu * 1000) / messages),
      'message log WAL bytes/message': Math.round(logWal / messages),
    });
    const stats = await db.query(
      `SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'charging_sessions'`,
    );
    console.log(formatTable(table));
    console.log(
      `charging_sessions: ${stats[0].n_tup_upd} updates, ${stats[0].n_tup_hot_upd} heap-only (no index entries)`,
    );
  });
}

runTool(main);
