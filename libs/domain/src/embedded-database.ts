import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  /** Loopback port for the wire protocol; 0 picks a free one. */
  port: number;
}

export interface EmbeddedDatabase {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for the normal pg driver. */
  url: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  /** True when this start created the data directory's database. */
  created: boolean;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in-process (PGlite), served over the Postgres wire protocol on loopback so the apps keep
 * their pg driver, TypeORM and migrations. All connections share PGlite's one session (queries are
 * serialized and a transaction holds the others off until it ends), so session settings are made
 * here once: BullMQ's tables live in the schema `bullmq`, found through the search path after ours.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  await db.exec('SET search_path TO public, bullmq');
  const server = new PGLiteSocketServer({ db, port: options.port, host: '127.0.0.1', maxConnections: 200 });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    created,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}
