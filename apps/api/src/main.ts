import 'reflect-metadata';
import cluster, { Worker } from 'node:cluster';
import {
  APP_CONFIG,
  AppConfig,
  ensureDatabase,
  checkRedis,
  exitOnStartupError,
  requireExternalBackends,
  loadConfig,
} from '@csms/common';
import { runMigrations } from '@csms/domain';
import { createApiApp } from './bootstrap';

const log = (line: string) => process.stderr.write(`api: ${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  requireExternalBackends(config);
  if (cluster.isPrimary) {
    await ensureDatabase(config.database.url);
    await checkRedis(config.redis.url);
    if (config.database.migrateOnStart) await runMigrations(config.database.url);
    if (config.api.workers > 1) return supervise(config.api.workers);
  }
  const app = await createApiApp({ config });
  const { host, port } = app.get<AppConfig>(APP_CONFIG).api;
  await app.listen(port, host);
}

/**
 * API_WORKERS > 1: this process checks the backends and migrates once, then runs that many api processes
 * sharing the port (node cluster hands each new connection to one of them). They share nothing in memory
 * that matters: state is in Postgres and Redis, as between api nodes. A worker that dies is replaced; one
 * that dies before it listens stops everything (a start-up error would only repeat). SIGTERM/SIGINT
 * stop the workers gracefully, then this process.
 */
function supervise(workers: number): void {
  const listening = new WeakSet<Worker>();
  let stopping = false;
  const start = () => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
    worker.once('exit', (code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      if (!listening.has(worker)) {
        log(`a worker exited before listening (${signal ?? code}); stopping`);
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.kill('SIGTERM');
        process.exitCode = 1;
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
        return;
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(start, 1000);
    });
  };
  for (let i = 0; i < workers; i++) start();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => exitOnStartupError(err, log));
