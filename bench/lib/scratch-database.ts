import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureDatabase } from '@csms/common';
import { dataSourceOptions, runMigrations } from '@csms/domain';
import { cpuMs } from './process-stats';

/** The URL of database `name` on the benchmark's Postgres server (BENCH_DATABASE_URL names the server). */
export function benchDatabaseUrl(name: string): string {
  const server = (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').replace(
    /\/[^/]*$/,
    '',
  );
  return `${server}/${name}`;
}

export interface ScratchDatabase {
  name: string;
  db: DataSource;
  /** Closes `db` and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh database `csms_bench_<prefix>_<time>` with every migration run, for the tools that drive the
 * gateway's services directly.
 */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `csms_bench_${prefix}_${Date.now().toString(36)}`;
  const url = benchDatabaseUrl(name);
  await ensureDatabase(url);
  await runMigrations(url);
  const db = new DataSource(dataSourceOptions(url));
  await db.initialize();
  return {
    name,
    db,
    async drop() {
      await db.destroy();
      const admin = new Client({ connectionString: benchDatabaseUrl('postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** The organization `org_bench` and `count` accepted 1.6 charge points `cp_1` … `cp_<count>` in it. */
export async function seedChargePoints(db: DataSource, count: number): Promise<void> {
  await db.query(
    `INSERT INTO organizations (id, name, slug, country, contact_email, settings)
     VALUES ('org_bench', 'Bench', 'bench', 'DE', 'bench@example.com', '{}')`,
  );
  await db.query(
    `INSERT INTO charge_points (id, organization_id, name, ocpp_version, registration_status, security_profile)
     SELECT 'cp_' || g, 'org_bench', 'Bench ' || g, '1.6', 'accepted', 0 FROM generate_series(1, $1::int) g`,
    [count],
  );
}

/**
 * Runs `measure` on a fresh scratch database (see {@link scratchDatabase}) with a client of the server's
 * `postgres` database beside it, to read the backends and the server's state without being one of the
 * measured backends; closes both and drops the database after.
 */
export async function onScratchDatabase<T>(
  prefix: string,
  measure: (scratch: ScratchDatabase, admin: Client) => Promise<T>,
): Promise<T> {
  const scratch = await scratchDatabase(prefix);
  const admin = new Client({ connectionString: benchDatabaseUrl('postgres') });
  await admin.connect();
  try {
    return await measure(scratch, admin);
  } finally {
    await admin.end();
    await scratch.drop();
  }
}

/** The pids of the Postgres backends serving `database`, read through `admin`. */
export async function backendPids(admin: Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows.map((r) => r.pid);
}

/** Runs a tool's `main`; a failure is printed and exits with status 1. */
export function runTool(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * The Postgres backend CPU time (ms, from /proc) of the backends serving `database` and the wall time
 * (ms) that `work` took: the backends are those connected when it starts (the pool's, warmed before).
 */
export async function backendCost(
  admin: Client,
  database: string,
  work: () => Promise<void>,
): Promise<{ cpuMs: number; wallMs: number }> {
  const pids = await backendPids(admin, database);
  const cpuBefore = cpuMs(pids);
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  return { cpuMs: cpuMs(pids) - cpuBefore, wallMs };
}
