import 'reflect-metadata';
import {
  APP_CONFIG,
  AppConfig,
  checkRedis,
  ensureDatabase,
  exitOnStartupError,
  requireExternalBackends,
  loadConfig,
} from '@csms/common';
import { runMigrations } from '@csms/domain';
import { createGatewayApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  requireExternalBackends(config);
  await ensureDatabase(config.database.url);
  await checkRedis(config.redis.url);
  if (config.database.migrateOnStart) await runMigrations(config.database.url);
  const app = await createGatewayApp({ config });
  const { host, port } = app.get<AppConfig>(APP_CONFIG).gateway;
  await app.init();
  // app.listen() would flush the logs buffered during start-up (bufferLogs); the gateway listens itself.
  app.flushLogs();
  // A gateway restart brings every charger back at once: a deep accept queue keeps them from being reset.
  await new Promise<void>((resolve, reject) =>
    app.getHttpServer().once('error', reject).listen({ port, host, backlog: 4096 }, resolve),
  );
}

main().catch((err) => exitOnStartupError(err, (line) => process.stderr.write(`ocpp-gateway: ${line}\n`)));
