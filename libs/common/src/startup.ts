import { Client } from 'pg';
import Redis from 'ioredis';
import type { AppConfig } from './config';

/** A start-up failure that should end the process with one clear line, no stack trace. */
export class StartupError extends Error {}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  const e = err as { code?: string; message?: string };
  return e?.code ? `${e.code}${e.message ? ` ${e.message}` : ''}` : String(e?.message ?? err);
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

/** Connects to the server of DATABASE_URL and creates the database if it does not exist. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new StartupError(
      `DATABASE_URL: cannot connect to PostgreSQL at ${safeUrl(url)} (${describe(err)})`,
    );
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } catch (err) {
    throw new StartupError(`DATABASE_URL: cannot create database "${dbName}" (${describe(err)})`);
  } finally {
    await client.end();
  }
}

/** Fails fast with a named variable when Redis does not answer. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new StartupError(`REDIS_URL: cannot connect to Redis at ${safeUrl(url)} (${describe(err)})`);
  } finally {
    redis.disconnect();
  }
}

/**
 * `npm run start:api` / `start:gateway` run one app against PostgreSQL and Redis; the embedded mode
 * needs both apps in one process, which only `npm start` composes.
 */
export function requireExternalBackends(config: AppConfig): void {
  if (config.mode === 'external') return;
  throw new StartupError(
    'DATABASE_URL and REDIS_URL are not set: the embedded mode runs the api and the gateway together ' +
      'through `npm start`; set both URLs to run this app alone',
  );
}

/** Ends the process on a start-up failure with a one-line message and exit code 1. */
export function exitOnStartupError(err: unknown, log: (line: string) => void): never {
  if (err instanceof StartupError) {
    log(err.message);
  } else if (err && typeof err === 'object' && 'problems' in err) {
    log((err as unknown as Error).message);
  } else {
    log(`Start-up failed: ${describe(err)}`);
  }
  process.exit(1);
}
