import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { GATEWAY_NODE_FLAGS } from '@csms/common';
import { sleep } from './pool';
import { benchDatabaseUrl } from './scratch-database';

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${url}`);
}

export interface Stack {
  apiUrl: string;
  ocppUrl: string;
  databaseUrl: string;
  gateway: ChildProcess;
  api: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the api and one gateway node the way a user does (built apps, explicit DATABASE_URL and
 * REDIS_URL), on a fresh database, with rate limits raised by configuration.
 */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const dbName = `csms_bench_${Date.now().toString(36)}`;
  const databaseUrl = benchDatabaseUrl(dbName);
  const [apiPort, ocppPort] = [await freePort(), await freePort()];
  const common = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `csms-bench-${randomBytes(3).toString('hex')}`,
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    OCPP_HOST: '127.0.0.1',
    OCPP_PORT: String(ocppPort),
    GATEWAY_NODE_ID: 'bench-node-1',
    DATABASE_POOL_SIZE: '20',
    // production requires the key that encrypts stored IBANs; a throwaway one per run
    BANK_DETAILS_KEY: randomBytes(32).toString('hex'),
    ...env,
  };
  // Migrate once before both start, as `npm start` does.
  const migrate = spawn(process.execPath, [join(ROOT, 'dist/scripts/migrate.js')], {
    env: common,
    stdio: 'inherit',
  });
  await new Promise<void>((resolve, reject) =>
    migrate.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`migrate exited ${c}`)))),
  );
  // BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/results" profiles the gateway.
  const gatewayArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const apiArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const run = (file: string, nodeArgs: string[] = []) =>
    spawn(process.execPath, [...nodeArgs, join(ROOT, file)], {
      env: { ...common, DATABASE_MIGRATE_ON_START: 'false' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const api = run('dist/apps/api/src/main.js', apiArgs);
  // Started as a user starts it: with the gateway's own Node.js flags (GATEWAY_NODE_FLAGS), then any given.
  const gateway = run('dist/apps/ocpp-gateway/src/main.js', [...GATEWAY_NODE_FLAGS, ...gatewayArgs]);
  await waitFor(`http://127.0.0.1:${apiPort}/health`, 60_000);
  await waitFor(`http://127.0.0.1:${ocppPort}/health`, 60_000);
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ocppUrl: `ws://127.0.0.1:${ocppPort}/ocpp`,
    databaseUrl,
    gateway,
    api,
    async stop() {
      for (const child of [gateway, api]) child.kill('SIGTERM');
      await sleep(1500);
      for (const child of [gateway, api]) if (child.exitCode === null) child.kill('SIGKILL');
      // BENCH_KEEP_DATABASE=1 leaves the database behind, to look at its plans and sizes afterwards.
      if (process.env.BENCH_KEEP_DATABASE === '1') {
        console.log(`database kept: ${databaseUrl}`);
        return;
      }
      const admin = new Client({ connectionString: benchDatabaseUrl('postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The bare ocpp-rpc server, in its own process like our gateway. */
export async function startYardstick(): Promise<{
  ocppUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_YARDSTICK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'yardstick-server.ts'),
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => d.toString().includes('listening') && resolve());
    child.on('exit', (c) => reject(new Error(`yardstick exited ${c}`)));
  });
  return {
    ocppUrl: `ws://127.0.0.1:${port}/ocpp`,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await sleep(200);
    },
  };
}
