import type { Processor, WorkerOptions } from 'bullmq';
import {
  Queue,
  Worker,
  createPostgresBackend,
  createRedisBackend,
  runMigrations as runQueueSchemaMigrations,
  setDefaultBackendFactory,
  type ConnectionOptions,
} from 'bullmq';
import { Client, Pool, type PoolClient } from 'pg';
import type { AppConfig } from '@csms/common';
import { redisConnectionOptions } from './redis';

export type QueueBackendKind = 'redis' | 'postgres';

/** DI token of the app's {@link QueueBackend}. */
export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');

/**
 * Where BullMQ keeps its queues: Redis (REDIS_URL) or, in embedded mode, PostgreSQL through BullMQ's
 * Postgres backend on the embedded database. Every Queue and Worker of the system is built here, with
 * the backend passed explicitly, so nothing silently connects to a default Redis on localhost.
 */
export interface QueueBackend {
  kind: QueueBackendKind;
  /** For the start-up log and health: where the queues are. */
  description: string;
  /** BullMQ `connection` option (Redis options, or the shared pg pool of the embedded database). */
  connection: ConnectionOptions;
  prefix: string;
  newQueue<T = unknown>(name: string): Queue<T>;
  newWorker<T = unknown>(
    name: string,
    processor: Processor<T>,
    options?: Omit<WorkerOptions, 'connection' | 'prefix'>,
  ): Worker<T>;
}

let processBackend: QueueBackendKind | undefined;

/**
 * BullMQ classes built by @nestjs/bullmq take the process-wide default backend; it is set here,
 * explicitly, and one process never mixes the two.
 */
function useProcessWide(kind: QueueBackendKind): void {
  if (processBackend && processBackend !== kind) {
    throw new Error(`BullMQ already runs on ${processBackend} in this process; cannot also use ${kind}`);
  }
  processBackend = kind;
  setDefaultBackendFactory((kind === 'postgres' ? createPostgresBackend : createRedisBackend) as never);
}

export function queueBackendFor(config: AppConfig): QueueBackend {
  const kind: QueueBackendKind = config.mode === 'embedded' ? 'postgres' : 'redis';
  if (kind === 'postgres' && !config.database.url) {
    throw new Error('The embedded queue backend needs the embedded database to be started first');
  }
  useProcessWide(kind);
  const connection = (
    kind === 'postgres' ? embeddedQueuePool(config.database.url) : redisConnectionOptions(config.redis.url)
  ) as ConnectionOptions;
  const factory = (kind === 'postgres' ? createPostgresBackend : createRedisBackend) as never;
  const prefix = config.redis.queuePrefix;
  return {
    kind,
    description:
      kind === 'postgres'
        ? 'BullMQ on PostgreSQL (schema bullmq)'
        : `BullMQ on Redis (${safeUrl(config.redis.url)})`,
    connection,
    prefix,
    newQueue: <T>(name: string) => new Queue<T>(name, { connection, prefix }, factory),
    newWorker: <T>(name: string, processor: Processor<T>, options = {}) =>
      new Worker<T>(name, processor, { ...options, connection, prefix }, factory),
  };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}

// ---- the embedded database's queue pool ----

const pools = new Map<string, Pool>();

/**
 * One pg pool for all queues of the process. Connections to the embedded database share one session,
 * so a NOTIFY reaches whichever connection ran the committing query, not the worker's LISTEN
 * connection; every notification a pooled connection receives is handed to the others, which is
 * how a waiting worker hears of a new job at once.
 */
export function embeddedQueuePool(url: string): Pool {
  let pool = pools.get(url);
  if (pool) return pool;
  pool = new Pool({ connectionString: url, max: 20 });
  const clients = new Set<PoolClient>();
  const forwarded = new WeakSet<object>();
  pool.on('connect', (client) => {
    clients.add(client);
    client.on('end', () => clients.delete(client));
    client.on('notification', (message) => {
      if (forwarded.has(message)) return;
      forwarded.add(message);
      for (const other of clients) if (other !== client) other.emit('notification', message);
    });
  });
  pool.on('error', () => undefined);
  pools.set(url, pool);
  return pool;
}

/** Ends the embedded queue pools (after the apps closed their queues and workers). */
export async function closeEmbeddedQueuePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}

/** Creates or upgrades BullMQ's tables (schema `bullmq`) on the embedded database, once, at start-up. */
export async function prepareQueueSchema(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await runQueueSchemaMigrations(client as never);
  } finally {
    await client.end();
  }
}
