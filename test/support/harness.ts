import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { APP_CONFIG, AppConfig, Clock, Env } from '@csms/common';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createGatewayApp } from '../../apps/ocpp-gateway/src/bootstrap';
import { TEST_REDIS_URL, createTestDatabase } from './databases';

export interface RunningApp {
  app: INestApplication;
  url: string;
  port: number;
  clock: Clock;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** Settings shared by the apps of one test file: its own database and its own queue prefix in Redis. */
export interface TestStack {
  databaseUrl: string;
  queuePrefix: string;
  env: Env;
  dispose: () => Promise<void>;
}

export async function createTestStack(env: Env = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const queuePrefix = `csms-test-${randomBytes(4).toString('hex')}`;
  return {
    databaseUrl: db.url,
    queuePrefix,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      API_PORT: '0',
      OCPP_PORT: '0',
      API_HOST: '127.0.0.1',
      OCPP_HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
      ...env,
    },
    dispose: db.drop,
  };
}

async function listen(app: INestApplication, env: Env): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    port,
    clock: app.get(Clock),
    config: app.get<AppConfig>(APP_CONFIG),
    http: () => request(url),
    close: () => app.close(),
  };
  void env;
}

export async function startApi(stack: TestStack, env: Env = {}): Promise<RunningApp> {
  const merged = { ...stack.env, ...env };
  return listen(await createApiApp({ env: merged }), merged);
}

export async function startGateway(stack: TestStack, env: Env = {}): Promise<RunningApp> {
  const merged = { ...stack.env, ...env };
  return listen(await createGatewayApp({ env: merged }), merged);
}
