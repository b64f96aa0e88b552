import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppProcess, PrivatePostgres, PrivateRedis, baseEnv, freePort } from './processes';

/**
 * One scenario's world: a private PostgreSQL and Redis, and the built apps as processes on top of
 * them. `dispose` ends all of it, whatever state the scenario left it in.
 */
export class FaultStack {
  readonly apps: AppProcess[] = [];
  readonly database = 'csms';

  private constructor(
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly env: Record<string, string>,
  ) {}

  static async create(env: Record<string, string> = {}): Promise<FaultStack> {
    const pg = await PrivatePostgres.create();
    const redis = await PrivateRedis.create().catch(async (err) => {
      await pg.destroy();
      throw err;
    });
    const stack = new FaultStack(pg, redis, {});
    Object.assign(stack.env, baseEnv(pg, redis, stack.database), env);
    return stack;
  }

  /** Starts an app (the first one to start creates and migrates the database). */
  async start(kind: 'api' | 'gateway', name: string, env: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const portVar: Record<string, string> =
      kind === 'api' ? { API_PORT: String(port) } : { OCPP_PORT: String(port), GATEWAY_NODE_ID: name };
    const app = new AppProcess(kind, name, port, { ...this.env, ...portVar, ...env });
    this.apps.push(app);
    await app.start();
    return app;
  }

  /** One query on a fresh connection (the server may have restarted since the last one). */
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.pg.url(this.database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.stop().catch(() => undefined)));
    await this.redis.destroy().catch(() => undefined);
    await this.pg.destroy().catch(() => undefined);
  }
}

/** The REST api of a running api process, as an operator's client uses it. */
export class Rest {
  token = '';
  orgId = '';

  constructor(readonly api: AppProcess) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  }

  async expect(status: number, method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.request(method, path, body);
    if (res.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  async signUp(): Promise<void> {
    const body = await this.expect(201, 'POST', '/api/v1/auth/signup', {
      email: `owner.${randomBytes(4).toString('hex')}@example.com`,
      password: 'correct horse battery staple',
      first_name: 'Olivia',
      last_name: 'Owner',
      organization_name: `Faults ${randomBytes(3).toString('hex')}`,
      country: 'GB',
    });
    this.token = body.token;
    this.orgId = body.organization.id;
  }

  async idTag(value: string): Promise<void> {
    await this.expect(201, 'POST', '/api/v1/id-tags', { value });
  }

  /** Registers a charge point (security profile 1, a password) and returns its password. */
  async chargePoint(id: string, fields: Record<string, unknown> = {}): Promise<string> {
    const password = `pw-${randomBytes(10).toString('hex')}`;
    await this.expect(201, 'POST', '/api/v1/charge-points', {
      id,
      name: `Charger ${id}`,
      password,
      ...fields,
    });
    return password;
  }

  command(chargePointId: string, action: string, body: Record<string, unknown> = {}) {
    return this.request('POST', `/api/v1/charge-points/${chargePointId}/actions/${action}`, body);
  }

  /** Whether the api sees the charger connected (the node registry names a live node for it). */
  async connected(chargePointId: string): Promise<boolean> {
    const res = await this.request('GET', `/api/v1/charge-points/${chargePointId}`);
    return res.status === 200 && res.body.connected === true;
  }

  async commandState(id: string): Promise<any> {
    return this.expect(200, 'GET', `/api/v1/commands/${id}`);
  }
}

/** A line of figures the fault suite prints (and docs/reliability.md quotes). */
export function report(scenario: string, figures: Record<string, number | string>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`\n[faults] ${scenario}: ${parts.join(' ')}\n`);
}
