import 'reflect-metadata';
import cluster from 'node:cluster';
import {
  APP_CONFIG,
  AppConfig,
  ensureDatabase,
  checkRedis,
  exitOnStartupError,
  requireExternalBackends,
  loadConfig,
  superviseWorkers,
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
    // API_WORKERS > 1: this process has checked the backends and migrated once; it now runs that many api
    // processes on the one port. They share nothing in memory that matters: state is in Postgres and Redis,
    // as between api nodes.
    if (config.api.workers > 1) return superviseWorkers({ count: config.api.workers, log });
  }
  const app = await createApiApp({ config });
  const { host, port } = app.get<AppConfig>(APP_CONFIG).api;
  await app.listen(port, host);
}

main().catch((err) => exitOnStartupError(err, log));
