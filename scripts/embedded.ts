import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '@csms/common';
import { EmbeddedDatabase, runMigrations, startEmbeddedDatabase } from '@csms/domain';
import { closeEmbeddedQueuePools, prepareQueueSchema } from '@csms/queues';
import { createApiApp } from '../apps/api/src/bootstrap';
import { createGatewayApp } from '../apps/ocpp-gateway/src/bootstrap';

export interface EmbeddedStack {
  database: EmbeddedDatabase;
  /** The configuration both apps run with (the embedded database's URL filled in). */
  config: AppConfig;
  api: INestApplication;
  gateway: INestApplication;
  apiPort: number;
  gatewayPort: number;
  stop(): Promise<void>;
}

const portOf = (app: INestApplication) => (app.getHttpServer().address() as AddressInfo).port;

/**
 * Embedded mode: starts PGlite, migrates it (ours, then BullMQ's schema) before anything else connects
 * (connections share one session), then runs the api and the gateway in this process on it.
 */
export async function startEmbeddedStack(config: AppConfig): Promise<EmbeddedStack> {
  const database = await startEmbeddedDatabase({
    dataDir: config.embedded.dataDir,
    port: config.embedded.databasePort,
  });
  const started: INestApplication[] = [];
  const stop = async () => {
    for (const app of started.reverse()) await app.close().catch(() => undefined);
    await closeEmbeddedQueuePools();
    await database.stop();
  };
  try {
    await runMigrations(database.url);
    await prepareQueueSchema(database.url);
    const appConfig: AppConfig = {
      ...config,
      database: { ...config.database, url: database.url, migrateOnStart: false },
    };
    const gateway = await createGatewayApp({ config: appConfig });
    started.push(gateway);
    const api = await createApiApp({ config: appConfig });
    started.push(api);
    await gateway.listen(appConfig.gateway.port, appConfig.gateway.host);
    await api.listen(appConfig.api.port, appConfig.api.host);
    return {
      database,
      config: appConfig,
      api,
      gateway,
      apiPort: portOf(api),
      gatewayPort: portOf(gateway),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
