import { request } from 'node:http';
import { TestStack, createTestStack } from './support/harness';
import { ChildApp, childrenOf, isAlive, until, spawnApi } from './support/processes';
import { uniqueEmail } from './support/session';

/** One request on a connection of its own, so the cluster hands each to a worker in turn. */
function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: object,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('api workers (API_WORKERS, node cluster on one port)', () => {
  let stack: TestStack;
  let api: ChildApp;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await spawnApi(stack, { API_WORKERS: '2' }, 180_000);
    await until(() => childrenOf(api.pid).length === 2, 60_000);
  }, 240_000);
  afterAll(async () => {
    await api?.stop();
    await stack?.dispose();
  });

  it('serves every request from either worker, with state shared between them', async () => {
    const signup = await call(
      api.port,
      'POST',
      '/api/v1/auth/signup',
      {},
      {
        email: uniqueEmail('workers'),
        password: 'correct horse battery staple',
        first_name: 'Wanda',
        last_name: 'Worker',
        organization_name: 'Workers Ltd',
        country: 'NL',
      },
    );
    expect(signup.status).toBe(201);
    const auth = { authorization: `Bearer ${signup.body.token}` };
    // Every worker checks (and remembers) the token...
    const before = await Promise.all(
      Array.from({ length: 8 }, () => call(api.port, 'GET', '/api/v1/me', auth)),
    );
    expect(before.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(before.map((r) => JSON.stringify(r.body))).size).toBe(1);
    // ...and logging out on one forgets it on both.
    expect((await call(api.port, 'POST', '/api/v1/auth/logout', auth)).status).toBe(204);
    const after = await Promise.all(
      Array.from({ length: 8 }, () => call(api.port, 'GET', '/api/v1/me', auth)),
    );
    expect(after.map((r) => r.status)).toEqual(Array(8).fill(401));
  });

  it('replaces a worker that dies, and stops all of them on SIGTERM', async () => {
    const [victim, survivor] = childrenOf(api.pid);
    process.kill(victim, 'SIGKILL');
    await until(() => {
      const now = childrenOf(api.pid);
      return now.length === 2 && !now.includes(victim) && now.includes(survivor);
    }, 60_000).catch((err: Error) => {
      // What the supervisor said (a replacement that failed to start stops them all) and who is left.
      const left = childrenOf(api.pid).join(', ') || 'none';
      throw new Error(`${err.message}; workers now: ${left}; api output:\n${api.output().slice(-4000)}`);
    });
    const replacement = childrenOf(api.pid).find((pid) => pid !== survivor)!;
    await until(() => api.output().includes(`worker ${victim} exited`), 5_000);
    const health = await Promise.all(Array.from({ length: 6 }, () => call(api.port, 'GET', '/health')));
    expect(health.map((r) => r.status)).toEqual(Array(6).fill(200));

    await api.stop();
    expect(isAlive(api.pid)).toBe(false);
    await until(() => !isAlive(survivor) && !isAlive(replacement), 15_000);
    // As long as its waits allow: a new worker starts a whole api process (60 s on a slow host).
  }, 90_000);
});
