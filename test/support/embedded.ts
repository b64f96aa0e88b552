import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { APP_CONFIG, AppConfig, Clock, Env, loadConfig } from '@csms/common';
import { EmbeddedStack, startEmbeddedStack } from '../../scripts/embedded';
import type { RunningApp } from './harness';

export interface EmbeddedTestStack {
  stack: EmbeddedStack;
  api: RunningApp;
  gateway: RunningApp;
  /** Stops everything and starts again on the same data directory (as a second `npm start` does). */
  restart: () => Promise<EmbeddedTestStack>;
  stop: () => Promise<void>;
}

function running(app: EmbeddedStack['api'], port: number): RunningApp {
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
}

/**
 * The embedded mode as `npm start` runs it (PGlite on loopback, BullMQ on Postgres, both apps in this
 * process), on a fresh data directory. The configuration is built without the process environment:
 * CI sets DATABASE_URL and REDIS_URL for the other suites, and either one would select the external mode.
 */
export async function startEmbeddedTestStack(
  env: Env = {},
  dataDir = mkdtempSync(join(tmpdir(), 'csms-embedded-')),
): Promise<EmbeddedTestStack> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    OCPP_HOST: '127.0.0.1',
    OCPP_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    ...env,
  });
  const stack = await startEmbeddedStack(config);
  return {
    stack,
    api: running(stack.api, stack.apiPort),
    gateway: running(stack.gateway, stack.gatewayPort),
    restart: async () => {
      await stack.stop();
      return startEmbeddedTestStack(env, dataDir);
    },
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
