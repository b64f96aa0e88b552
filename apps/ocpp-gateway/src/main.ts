import 'reflect-metadata';
import cluster from 'node:cluster';
import {
  APP_CONFIG,
  AppConfig,
  checkRedis,
  ensureDatabase,
  exitOnStartupError,
  requireExternalBackends,
  loadConfig,
  superviseWorkers,
} from '@csms/common';
import { runMigrations } from '@csms/domain';
import { createGatewayApp } from './bootstrap';

const log = (line: string) => process.stderr.write(`ocpp-gateway: ${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  requireExternalBackends(config);
  if (cluster.isPrimary) {
    await ensureDatabase(config.database.url);
    await checkRedis(config.redis.url);
    if (config.database.migrateOnStart) await runMigrations(config.database.url);
    // GATEWAY_WORKERS > 1: this process has checked the backends and migrated once; it now runs that many
    // gateway processes on the one port, each a gateway node of its own (`<GATEWAY_NODE_ID>-<n>`, the same
    // n for the worker that replaces one that died), as gateways on several hosts are.
    const { workers, nodeId } = config.gateway;
    if (workers > 1) {
      return superviseWorkers({
        count: workers,
        log,
        env: (slot) => ({ GATEWAY_NODE_ID: `${nodeId}-${slot + 1}` }),
      });
    }
  }
  const app = await createGatewayApp({ config });
  const { host, port } = app.get<AppConfig>(APP_CONFIG).gateway;
  await app.init();
  // A gateway restart brings every charger back at once: a deep accept queue keeps them from being reset.
  await new Promise<void>((resolve, reject) =>
    app.getHttpServer().once('error', reject).listen({ port, host, backlog: 4096 }, resolve),
  );
  // The app was created with bufferLogs and Nest flushes the buffer in app.listen(), which is bypassed
  // here for the backlog: without this, every log line would stay buffered in memory, never written.
  app.flushLogs();
}

main().catch((err) => exitOnStartupError(err, log));
