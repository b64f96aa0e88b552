import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { StartupError } from '@csms/common';
import { startEmbeddedDatabase } from '@csms/domain';
import { ConnectionRegistry, GatewayControl, PostgresConnectionRegistry } from '@csms/queues';
import { EmbeddedTestStack, startEmbeddedTestStack } from '../support/embedded';
import {
  HappyPathContext,
  ocpp16ChargingSession,
  ocpp201ChargingSession,
  remoteCommandRoundTrip,
  reservationRoundTrip,
} from '../support/happy-paths';
import { createDemo } from '../../scripts/demo';
import { aChargePoint, connectCharger } from '../support/chargers';
import { bearer, signUp } from '../support/session';

/**
 * The embedded mode of `npm start` (no DATABASE_URL, no REDIS_URL): PGlite over the wire protocol,
 * BullMQ on its Postgres backend, the registry in Postgres, api and gateway in one process. The
 * gateway's happy paths run here as they run on PostgreSQL and Redis.
 */
describe('embedded mode', () => {
  let embedded: EmbeddedTestStack;
  const ctx = { open: [] } as unknown as HappyPathContext;

  beforeAll(async () => {
    embedded = await startEmbeddedTestStack({ COMMAND_WAIT_MS: '8000' });
    ctx.api = embedded.api;
    ctx.gateway = embedded.gateway;
    ctx.owner = await signUp(embedded.api);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(ctx.open.splice(0).map((c) => c.close({ force: true }).catch(() => undefined)));
  });
  afterAll(async () => {
    await embedded?.stop();
  });

  it('reports the embedded backends in health, on both apps', async () => {
    for (const app of [embedded.api, embedded.gateway]) {
      const res = await app.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.details).toEqual({
        database: { status: 'up', backend: 'pglite' },
        queues: { status: 'up', backend: 'postgres' },
      });
    }
    expect(embedded.gateway.app.get(ConnectionRegistry)).toBeInstanceOf(PostgresConnectionRegistry);
    expect(embedded.api.app.get(GatewayControl).constructor.name).toBe('LocalGatewayControl');
  });

  it('keeps parameterized queries from many connections apart on the one shared session', async () => {
    const pool = new Pool({ connectionString: embedded.stack.database.url, max: 8 });
    try {
      const sums = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          pool.query('SELECT $1::int + $2::int + $3::int AS sum', [i, i, i]).then((r) => r.rows[0].sum),
        ),
      );
      expect(sums).toEqual(Array.from({ length: 120 }, (_, i) => 3 * i));
    } finally {
      await pool.end();
    }
  });

  it('runs an OCPP 1.6 charging session', () => ocpp16ChargingSession(ctx));

  it('runs an OCPP 2.0.1 charging session', () => ocpp201ChargingSession(ctx));

  it('round-trips a remote command through the Postgres queue to a 1.6 and a 2.0.1 charger', () =>
    remoteCommandRoundTrip(ctx));

  it('reserves a connector with ReserveNow, uses it, and cancels another with CancelReservation', () =>
    reservationRoundTrip(ctx));

  it('closes the socket of a decommissioned charger through the in-process gateway control', async () => {
    const cp = await aChargePoint(ctx.api, ctx.owner.token);
    const client = await connectCharger({ port: ctx.gateway.port, identity: cp.id, password: cp.password });
    ctx.open.push(client);
    const closed = new Promise<{ code: number }>((resolve) => client.once('close', resolve));
    const res = await ctx.api.http().delete(`/api/v1/charge-points/${cp.id}`).set(bearer(ctx.owner.token));
    expect(res.status).toBe(204);
    expect((await closed).code).toBe(4003);
  });

  it('creates the --demo organization, whose API key and charger password work', async () => {
    const demo = await createDemo(embedded.api.url);
    const listed = await embedded.api.http().get('/api/v1/charge-points').set('X-API-Key', demo.apiKey);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([demo.chargePoint.id]);
    const charger = await connectCharger({
      port: embedded.gateway.port,
      identity: demo.chargePoint.id,
      password: demo.chargePoint.password,
    });
    ctx.open.push(charger);
    expect(await charger.call('Heartbeat', {})).toHaveProperty('currentTime');
  });

  it('locks out repeated failed logins with the counters in Postgres', async () => {
    const attempt = () =>
      embedded.api
        .http()
        .post('/api/v1/auth/login')
        .send({ email: ctx.owner.email, password: 'wrong password 123' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const rows = await embedded.api.app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM expiring_counters');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('keeps its data across a restart on the same data directory', async () => {
    embedded = await embedded.restart();
    expect(embedded.stack.database.created).toBe(false);
    const login = await embedded.api
      .http()
      .post('/api/v1/auth/login')
      .send({ email: ctx.owner.email, password: ctx.owner.password });
    // The failed-login window of the test above lives in the database, so it outlasts the restart.
    expect(login.status).toBe(429);
    const orgs = await embedded.api.app.get(DataSource).query('SELECT id FROM organizations');
    expect(orgs.map((o: { id: string }) => o.id)).toContain(ctx.owner.orgId);
    expect((await embedded.api.http().get('/health')).status).toBe(200);
  }, 60_000);

  it('refuses a data directory another running process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csms-embedded-locked-'));
    try {
      writeFileSync(join(dir, 'csms.pid'), String(process.ppid));
      const started = startEmbeddedDatabase({ dataDir: dir, port: 0 });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(/DATA_DIR: .* is in use by process/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
