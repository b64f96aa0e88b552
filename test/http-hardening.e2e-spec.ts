import { connect, Socket } from 'node:net';
import { Client } from 'pg';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { aChargePoint, eventually } from './support/chargers';
import { SignedUp, bearer, signUp } from './support/session';

/**
 * The HTTP edge of the api: security headers, CORS, the body limit, request and slow-client timeouts,
 * and the rate limits shared by api nodes. Each behaviour runs on an api started with its own settings
 * against the same database and Redis prefix.
 */
describe('HTTP hardening', () => {
  let stack: TestStack;
  let api: RunningApp;
  let owner: SignedUp;
  let db: Client;
  const started: RunningApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await startApi(stack, env);
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    api = await start({});
    owner = await signUp(api);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    for (const app of started) await app.close();
    await stack?.dispose();
  });

  const expectProblem = (
    res: { headers: Record<string, string>; body: any },
    status: number,
    code: string,
  ) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.stringContaining(code) });
  };

  describe('security headers', () => {
    const expectSecurityHeaders = (headers: Record<string, string>) => {
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(headers['content-security-policy']).toContain("object-src 'none'");
      expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(headers['x-dns-prefetch-control']).toBe('off');
      expect(headers['x-permitted-cross-domain-policies']).toBe('none');
      expect(headers['x-powered-by']).toBeUndefined();
    };

    it('sends them on api answers, on problem details and on the API documentation', async () => {
      const me = await api.http().get('/api/v1/me').set(bearer(owner.token));
      expect(me.status).toBe(200);
      expectSecurityHeaders(me.headers);

      const missing = await api.http().get('/api/v1/no-such-route').set(bearer(owner.token));
      expectProblem(missing, 404, 'not_found');
      expectSecurityHeaders(missing.headers);

      const docs = await api.http().get('/docs/').redirects(1);
      expect(docs.status).toBe(200);
      expect(docs.headers['content-type']).toMatch(/text\/html/);
      expectSecurityHeaders(docs.headers);
      // Swagger UI runs its inline initialiser, so scripts are limited to the page's own origin.
      expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");

      const json = await api.http().get('/docs-json');
      expect(json.status).toBe(200);
      expect(json.body.openapi).toMatch(/^3\./);
      expectSecurityHeaders(json.headers);
    });
  });

  describe('CORS', () => {
    it('reflects any origin by default (CORS_ORIGINS=*)', async () => {
      const res = await api.http().get('/health').set('Origin', 'https://anywhere.example');
      expect(res.headers['access-control-allow-origin']).toBe('https://anywhere.example');
      expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
    });

    it('echoes an allowed origin, not a disallowed one, and answers preflights for allowed origins only', async () => {
      const cors = await start({ CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' });

      const allowed = await cors
        .http()
        .get('/api/v1/me')
        .set(bearer(owner.token))
        .set('Origin', 'https://admin.example.com');
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
      expect(allowed.headers['vary']).toContain('Origin');
      expect(allowed.headers['access-control-expose-headers']).toBe('X-Request-Id,Retry-After,Location');

      const refused = await cors
        .http()
        .get('/api/v1/me')
        .set(bearer(owner.token))
        .set('Origin', 'https://evil.example.com');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();

      const preflight = await cors
        .http()
        .options('/api/v1/charge-points/cp_1')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'authorization,content-type,x-api-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
      expect(preflight.headers['access-control-allow-headers']).toBe('authorization,content-type,x-api-key');

      const refusedPreflight = await cors
        .http()
        .options('/api/v1/charge-points/cp_1')
        .set('Origin', 'https://evil.example.com')
        .set('Access-Control-Request-Method', 'DELETE');
      expect(refusedPreflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('body limit', () => {
    it('answers 413 problem details above API_BODY_LIMIT and writes nothing', async () => {
      const small = await start({ API_BODY_LIMIT: '2kb' });
      // A valid body padded with whitespace: the same JSON, only bigger than the limit.
      const body = JSON.stringify({ value: 'LIMIT-TAG-1', type: 'rfid' }) + ' '.repeat(4096);
      const res = await small
        .http()
        .post('/api/v1/id-tags')
        .set(bearer(owner.token))
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(413);
      expectProblem(res, 413, 'payload_too_large');
      expect(res.body.detail).toBe('The request body is too large');
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM id_tags WHERE value = 'LIMIT-TAG-1'`);
      expect(rows[0].n).toBe(0);

      // The same padded body is accepted under the default limit: the size alone was refused.
      const accepted = await api
        .http()
        .post('/api/v1/id-tags')
        .set(bearer(owner.token))
        .set('Content-Type', 'application/json')
        .send(body);
      expect(accepted.status).toBe(201);
    });
  });

  describe('timeouts', () => {
    it('answers 503 request_timeout to a write blocked on a locked row, and leaves the row as it was', async () => {
      const slow = await start({ API_REQUEST_TIMEOUT_MS: '2000', COMMAND_WAIT_MS: '500' });
      const cp = await aChargePoint(api, owner.token, { name: 'Before the lock' });
      const holder = new Client({ connectionString: stack.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM charge_points WHERE id = $1 FOR UPDATE', [cp.id]);
        const res = await slow
          .http()
          .patch(`/api/v1/charge-points/${cp.id}`)
          .set(bearer(owner.token))
          .send({ name: 'Written while locked' });
        expect(res.status).toBe(503);
        expectProblem(res, 503, 'request_timeout');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        // The blocked statement is cancelled by the statement timeout, not left waiting for the lock:
        // once nothing waits on it, releasing the lock can let nothing through.
        const waiting = await eventually(
          async () =>
            (
              await db.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )
            ).rows[0].n,
          (n) => n === 0,
          15_000,
        );
        expect(waiting).toBe(0);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      const { rows } = await db.query('SELECT name FROM charge_points WHERE id = $1', [cp.id]);
      expect(rows[0].name).toBe('Before the lock');

      // Without the lock the same request goes through on the same node.
      const after = await slow
        .http()
        .patch(`/api/v1/charge-points/${cp.id}`)
        .set(bearer(owner.token))
        .send({ name: 'Written after the lock' });
      expect(after.status).toBe(200);
      expect((await db.query('SELECT name FROM charge_points WHERE id = $1', [cp.id])).rows[0].name).toBe(
        'Written after the lock',
      );
    });

    it.each([
      ['through TypeORM (the tariff list)', 'tariffs', '/api/v1/tariffs'],
      ['through a prepared statement (the charge point list)', 'charge_points', '/api/v1/charge-points'],
    ])('answers 503 request_timeout to a read blocked on a locked table, %s', async (_how, table, path) => {
      const slow = await start({ API_REQUEST_TIMEOUT_MS: '2000', COMMAND_WAIT_MS: '500' });
      const holder = new Client({ connectionString: stack.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
        const res = await slow.http().get(path).set(bearer(owner.token));
        expectProblem(res, 503, 'request_timeout');
        expect(res.headers['retry-after']).toBe('1');
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect((await slow.http().get(path).set(bearer(owner.token))).status).toBe(200);
    });

    /** Sends `head` then one byte of `trickle` every 200 ms; resolves with what the server answered. */
    const trickle = (port: number, head: string, drip: string) =>
      new Promise<{ answer: string; closed: boolean }>((resolve, reject) => {
        const socket: Socket = connect(port, '127.0.0.1');
        let answer = '';
        let i = 0;
        const timer = setInterval(() => {
          if (i < drip.length && socket.writable) socket.write(drip[i++]);
        }, 200);
        const done = setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          reject(new Error(`the server kept a trickling client for 20 s (got "${answer}")`));
        }, 20_000);
        socket.on('connect', () => socket.write(head));
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          clearTimeout(done);
          resolve({ answer, closed: true });
        });
      });

    it('cuts off a client trickling its headers or its body with 408 (API_CLIENT_TIMEOUT_MS)', async () => {
      const strict = await start({ API_CLIENT_TIMEOUT_MS: '1000' });
      const headers = await trickle(
        strict.port,
        'GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n',
        `X-Slow: ${'a'.repeat(200)}\r\n\r\n`,
      );
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(headers.closed).toBe(true);

      const json = JSON.stringify({ value: 'TRICKLED-TAG', type: 'rfid' });
      const body = await trickle(
        strict.port,
        `POST /api/v1/id-tags HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${owner.token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`,
        json,
      );
      expect(body.answer).toMatch(/^HTTP\/1\.1 408 /);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM id_tags WHERE value = 'TRICKLED-TAG'`);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('rate limits', () => {
    it('limits each credential across api nodes, whatever address it comes from', async () => {
      const env = { RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_PER_IP_PER_MINUTE: '1000' };
      const [a, b] = [await start(env), await start(env)];
      const limited = await signUp(api);
      const other = await signUp(api);
      const from = (node: RunningApp, token: string, ip: string) =>
        node.http().get('/api/v1/me').set(bearer(token)).set('X-Forwarded-For', ip);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await from(i % 2 ? b : a, limited.token, `198.51.100.${i + 1}`)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const blocked = await from(b, limited.token, '198.51.100.99');
      expect(blocked.status).toBe(429);
      expectProblem(blocked, 429, 'rate_limited');
      expect(blocked.body.detail).toContain('credential');
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another credential from the same address is not affected.
      expect((await from(a, other.token, '198.51.100.99')).status).toBe(200);
    });

    it('counts requests to unknown api routes, and not the API documentation', async () => {
      const node = await start({ RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_IP_PER_MINUTE: '3' });
      const ip = '203.0.113.41';
      for (let i = 0; i < 4; i++) {
        expect((await node.http().get('/docs-json').set('X-Forwarded-For', ip)).status).toBe(200);
      }
      for (let i = 0; i < 3; i++) {
        const missing = await node.http().get(`/api/v1/no-such-thing-${i}`).set('X-Forwarded-For', ip);
        expectProblem(missing, 404, 'not_found');
      }
      const limited = await node.http().get('/health').set('X-Forwarded-For', ip);
      expectProblem(limited, 429, 'rate_limited');
      expect(limited.body.detail).toContain('client address');
    });

    it('limits each client address across api nodes, with or without credentials', async () => {
      const env = { RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_IP_PER_MINUTE: '6' };
      const [a, b] = [await start(env), await start(env)];
      const ip = '203.0.113.7';
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const node = i % 2 ? b : a;
        const req = node
          .http()
          .get(i < 3 ? '/health' : '/api/v1/me')
          .set('X-Forwarded-For', ip);
        statuses.push((await (i < 3 ? req : req.set(bearer(owner.token)))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const anonymous = await a.http().get('/health').set('X-Forwarded-For', ip);
      expect(anonymous.status).toBe(429);
      expectProblem(anonymous, 429, 'rate_limited');
      expect(anonymous.body.detail).toContain('client address');
      expect(Number(anonymous.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const signedIn = await b.http().get('/api/v1/me').set(bearer(owner.token)).set('X-Forwarded-For', ip);
      expect(signedIn.status).toBe(429);
      const elsewhere = await b
        .http()
        .get('/api/v1/me')
        .set(bearer(owner.token))
        .set('X-Forwarded-For', '203.0.113.8');
      expect(elsewhere.status).toBe(200);
    });
  });
});
