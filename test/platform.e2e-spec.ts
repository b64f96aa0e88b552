import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RPCClient } from 'ocpp-rpc';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';

function runNode(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script],
      { cwd: join(__dirname, '..'), env: { ...process.env, ...env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('platform: health, docs, gateway handshake, start-up, migrations', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    gateway = await startGateway(stack);
  });
  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  it('reports database and Redis up on both apps', async () => {
    for (const app of [api, gateway]) {
      const res = await app.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
    }
  });

  it('serves Swagger UI and an OpenAPI document in which every operation has a summary and, unless public, auth', async () => {
    const ui = await api.http().get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await api.http().get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.securitySchemes).toHaveProperty('bearer');
    expect(doc.body.components.securitySchemes).toHaveProperty('api_key');
    const publicOps = new Set([
      'POST /api/v1/auth/signup',
      'POST /api/v1/auth/login',
      'GET /health',
      'POST /api/v1/organizations/invitations/accept',
      'POST /api/v1/site-owner/accept-invitation/{token}',
      'POST /api/v1/drivers/invitations/accept',
    ]);
    for (const [path, ops] of Object.entries<Record<string, { summary?: string; security?: unknown[] }>>(
      doc.body.paths,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect({ name, summary: Boolean(op.summary) }).toEqual({ name, summary: true });
        if (!publicOps.has(name))
          expect({ name, secured: (op.security ?? []).length > 0 }).toEqual({ name, secured: true });
      }
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await api.http().get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('not_found');
  });

  it('sets a request id and security headers', async () => {
    const res = await api.http().get('/health').set('X-Request-Id', 'req-test-123');
    expect(res.headers['x-request-id']).toBe('req-test-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses an unknown charge point identity at the websocket handshake with 404', async () => {
    const client = new RPCClient({
      endpoint: `ws://127.0.0.1:${gateway.port}/ocpp`,
      identity: 'cp_unknown_001',
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as never);
    await expect(client.connect()).rejects.toMatchObject({ code: 404 });
  });

  it('refuses websocket upgrades outside /ocpp/{id}', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${gateway.port}/elsewhere/cp1`, ['ocpp1.6']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });

  it('ran every migration on the empty database and the entities match the schema exactly', async () => {
    const db = api.app.get(DataSource);
    const applied = await db.query('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((r: { name: string }) => r.name)).toEqual(db.migrations.map((m) => m.name));
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('ends start-up with one line naming DATABASE_URL when Postgres is unreachable', async () => {
    const { code, stderr } = await runNode('apps/api/src/main.ts', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/csms',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('DATABASE_URL');
  }, 60_000);

  it('ends start-up with one line naming REDIS_URL when Redis is unreachable', async () => {
    const { code, stderr } = await runNode('apps/ocpp-gateway/src/main.ts', {
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('REDIS_URL');
  }, 60_000);

  it('ends start-up with one line when only one of DATABASE_URL and REDIS_URL is set', async () => {
    const { code, stderr } = await runNode('apps/api/src/main.ts', {
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: '',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('DATABASE_URL and REDIS_URL go together');
    expect(stderr).toContain('only DATABASE_URL is set');
  }, 60_000);

  it('tells that the embedded mode needs `npm start` when one app starts without both URLs', async () => {
    const { code, stderr } = await runNode('apps/ocpp-gateway/src/main.ts', {
      DATABASE_URL: '',
      REDIS_URL: '',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('npm start');
  }, 60_000);

  it('ends start-up naming a malformed variable', async () => {
    const { code, stderr } = await runNode('apps/api/src/main.ts', { API_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('API_PORT');
  }, 60_000);
});
