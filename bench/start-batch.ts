/**
 * What the gateway's 1.6 StartTransactions cost Postgres, apart from the rest of the stack: on a fresh
 * database with S charge points, each with an id tag of its own and a session already open on another
 * EVSE (as in `steady`, where every charger is in a transaction), every charger starts one transaction
 * through the gateway's SessionsService, G starts at a time (G chargers whose StartTransactions arrive
 * together). Prints the Postgres backend CPU time per start (read from /proc, so the figure does not
 * depend on what else the machine runs, unlike wall time; the host's own speed still moves it, so
 * compare versions run one after the other) and the wall time per start. The first quarter of the starts
 * (at most 500) warm the connections and are not measured. Needs Postgres on this machine, readable
 * under /proc (run as root or as the postgres user).
 *
 *   npm run build && node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/start-batch.ts \
 *     [--starts S] [--together G ...]
 */
import type { ChargerConnection } from '../apps/ocpp-gateway/src/ocpp/connections.service';
import { numberFlags } from './lib/args';
import { sessionsService } from './lib/gateway-services';
import { backendCost, onScratchDatabase, runTool, seedChargePoints } from './lib/scratch-database';
import { formatTable } from './lib/stats';

function measure(starts: number, together: number): Promise<Record<string, number>> {
  return onScratchDatabase('starts', async ({ db, name }, admin) => {
    const sessions = sessionsService(db);
    await seedChargePoints(db, starts);
    await db.query(
      `INSERT INTO id_tags (id, organization_id, value, value_normalized)
       SELECT 'tag_' || g, 'org_bench', 'TAG' || g, 'tag' || g FROM generate_series(1, $1::int) g`,
      [starts],
    );
    await db.query(
      `INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
         evse_number, connector_number, status, started_at, meter_start_wh, last_meter_wh, energy_wh,
         register_tail_at, id_tag)
       SELECT 'sess_' || g, 'org_bench', 'cp_' || g, '1.6', 'open-' || g, 2, 1, 'active', now(), 0, 0, 0,
         now(), 'OTHER' || g
       FROM generate_series(1, $1::int) g`,
      [starts],
    );
    await db.query('ANALYZE');
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i += together) {
        await Promise.all(
          Array.from({ length: Math.min(together, to - i) }, (_, k) =>
            sessions.start16(
              { organizationId: 'org_bench', chargePointId: `cp_${i + k + 1}` } as ChargerConnection,
              {
                connectorId: 1,
                idTag: `TAG${i + k + 1}`,
                meterStartWh: 1000,
                timestamp: new Date(),
                reservationId: null,
              },
            ),
          ),
        );
      }
    };
    const warm = Math.min(500, Math.floor(starts / 4));
    await run(0, warm);
    const cost = await backendCost(admin, name, () => run(warm, starts));
    const measured = starts - warm;
    return {
      starts: measured,
      'arriving together': together,
      'backend CPU µs/start': Math.round((cost.cpuMs * 1000) / measured),
      'wall µs/start': Math.round((cost.wallMs * 1000) / measured),
    };
  });
}

async function main(): Promise<void> {
  const [starts] = numberFlags(process.argv, 'starts', [8000]);
  const table: Array<Record<string, number>> = [];
  for (const together of numberFlags(process.argv, 'together', [1, 5, 50]))
    table.push(await measure(starts, together));
  console.log(formatTable(table));
}

runTool(main);
