import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { aChargePoint } from './support/chargers';
import { bearer, createApiKey, signUp } from './support/session';

describe('structured logs', () => {
  let stack: TestStack;
  let api: RunningApp;
  const logFile = join(mkdtempSync(join(tmpdir(), 'csms-log-')), 'api.log');

  beforeAll(async () => {
    stack = await createTestStack({ LOG_LEVEL: 'info', LOG_FILE: logFile });
    api = await startApi(stack);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  it("binds the request's id to what the services log while handling it", async () => {
    const owner = await signUp(api);
    const cp = await aChargePoint(api, owner.token, { registration_status: 'pending' });
    // Accepting a pending charger that is not connected: the hook logs that no boot trigger went out.
    await api
      .http()
      .patch(`/api/v1/charge-points/${cp.id}`)
      .set(bearer(owner.token))
      .set('X-Request-Id', 'req-service-line')
      .send({ registration_status: 'accepted' })
      .expect(200);

    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.req?.id === 'req-service-line');
    expect(lines.map((l) => l.msg)).toEqual(['No boot trigger sent', 'request completed']);
    expect(lines[0]).toMatchObject({ service: 'api', chargePointId: cp.id, req: { id: 'req-service-line' } });
    expect(lines[1]).toMatchObject({ req: { method: 'PATCH', url: `/api/v1/charge-points/${cp.id}` } });
  });

  it('logs each request as JSON with its request id, and never a token, key or password', async () => {
    const owner = await signUp(api, { password: 'my very secret password 42' });
    const key = await createApiKey(api, owner.token, ['read:api_keys']);
    await api.http().get('/api/v1/me').set(bearer(owner.token)).set('X-Request-Id', 'req-log-check');
    await api.http().get('/api/v1/org/api-keys').set('X-API-Key', key.key);
    await api
      .http()
      .post('/api/v1/auth/login')
      .send({ email: owner.email, password: 'my very secret password 42' });
    await api.http().get(`/api/v1/site-owner/accept-invitation/${owner.token}`);
    await api.http().get(`/api/v1/anything?token=${key.key}`);
    // The site-owner acceptance link carries its token in the path, whatever the token looks like.
    await api
      .http()
      .post('/api/v1/site-owner/accept-invitation/plain-path-secret-4711')
      .send({ first_name: 'A', last_name: 'B', password: 'correct horse battery staple' });

    const log = readFileSync(logFile, 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const meLine = lines.find((l) => l.req?.id === 'req-log-check');
    expect(meLine).toBeDefined();
    expect(meLine.req.url).toBe('/api/v1/me');
    expect(meLine.req.headers.authorization).toBe('[REDACTED]');
    expect(meLine.res.statusCode).toBe(200);

    expect(log).not.toContain(owner.token);
    expect(log).not.toContain(owner.token.slice(8));
    expect(log).not.toContain(key.key);
    expect(log).not.toContain(key.key.slice(8));
    expect(log).not.toContain('my very secret password 42');
    expect(log).toContain('accept-invitation/[REDACTED]');
    expect(log).not.toContain('plain-path-secret-4711');
    expect(lines.some((l) => l.req?.url === '/api/v1/site-owner/accept-invitation/[REDACTED]')).toBe(true);
  });
});
