import { RPCClient } from 'ocpp-rpc';
import { DataSource } from 'typeorm';
import { SessionPricingService } from '../apps/api/src/billing/session-pricing.service';
import { aChargePoint, connectCharger } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { SignedUp, bearer, signUp } from './support/session';

const iso = (d: Date) => d.toISOString();
const MIN = 60_000;

interface Charge {
  idTag: string;
  start: Date;
  meterStartWh: number;
  samples?: Array<{ at: Date; wh: number }>;
  stop: Date;
  meterStopWh: number;
}

describe('tariffs and session pricing', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  const open: RPCClient[] = [];

  const get = (path: string) => api.http().get(path).set(bearer(owner.token));
  const post = (path: string, body: object) => api.http().post(path).set(bearer(owner.token)).send(body);
  const put = (path: string, body: object) => api.http().put(path).set(bearer(owner.token)).send(body);

  async function tariff(body: object): Promise<string> {
    const res = await post('/api/v1/tariffs', { name: 'Test tariff', ...body });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function chargerWithTariff(tariffId: string | null): Promise<{ id: string; client: RPCClient }> {
    const cp = await aChargePoint(api, owner.token);
    if (tariffId) {
      const assigned = await put(`/api/v1/charge-points/${cp.id}/tariff`, { tariff_id: tariffId });
      expect(assigned.status).toBe(200);
    }
    const client = await connectCharger({ port: gateway.port, identity: cp.id, password: cp.password });
    open.push(client);
    await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' });
    return { id: cp.id, client };
  }

  /** boot → authorize → start → meter values → stop, with the gateway's clock at the charger's times. */
  async function charge(cp: { id: string; client: RPCClient }, c: Charge): Promise<string> {
    gateway.clock.set(c.start);
    expect(await cp.client.call('Authorize', { idTag: c.idTag })).toEqual({
      idTagInfo: { status: 'Accepted' },
    });
    const started = (await cp.client.call('StartTransaction', {
      connectorId: 1,
      idTag: c.idTag,
      meterStart: c.meterStartWh,
      timestamp: iso(c.start),
    })) as { transactionId: number };
    for (const s of c.samples ?? []) {
      gateway.clock.set(s.at);
      await cp.client.call('MeterValues', {
        connectorId: 1,
        transactionId: started.transactionId,
        meterValue: [
          {
            timestamp: iso(s.at),
            sampledValue: [
              {
                value: String(s.wh),
                unit: 'Wh',
                measurand: 'Energy.Active.Import.Register',
                context: 'Sample.Periodic',
              },
            ],
          },
        ],
      });
    }
    gateway.clock.set(c.stop);
    await cp.client.call('StopTransaction', {
      transactionId: started.transactionId,
      idTag: c.idTag,
      meterStop: c.meterStopWh,
      timestamp: iso(c.stop),
      reason: 'Local',
    });
    gateway.clock.reset();
    const sessions = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
    return sessions.body.data[0].id;
  }

  async function idTag(value: string): Promise<void> {
    expect((await post('/api/v1/id-tags', { value })).status).toBe(201);
  }

  beforeAll(async () => {
    stack = await createTestStack({ BILLING_SWEEP_INTERVAL_SECONDS: '1' });
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api);
    const settings = await put(`/api/v1/organizations/${owner.orgId}/settings`, {
      timezone: 'Europe/Berlin',
      default_currency: 'EUR',
    });
    expect(settings.status).toBe(200);
    await idTag('PRICE01');
  });
  afterEach(async () => {
    gateway.clock.reset();
    await Promise.all(open.splice(0).map((c) => c.close({ force: true }).catch(() => undefined)));
  });
  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  describe('tariffs API', () => {
    it('refuses bad input with 400 naming the field', async () => {
      const res = await post('/api/v1/tariffs', { name: 'x', price_per_kwh: -1 });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('price_per_kwh');
      const window = await post('/api/v1/tariffs', {
        name: 'x',
        windows: [{ start: '25:00', end: '06:00' }],
      });
      expect(window.status).toBe(400);
      expect(JSON.stringify(window.body)).toContain('start');
      const float = await post('/api/v1/tariffs', { name: 'x', price_per_kwh: 0.1234567 });
      expect(float.status).toBe(400);
      const minMax = await post('/api/v1/tariffs', { name: 'x', min_price: 5, max_price: 1 });
      expect(minMax.status).toBe(400);
      expect(JSON.stringify(minMax.body)).toContain('min_price');
    });

    it('creates, reads, replaces and deletes a tariff; another organization gets 404', async () => {
      const id = await tariff({ price_per_kwh: 0.35, tax_rate_percent: 19, is_default: false });
      const got = await get(`/api/v1/tariffs/${id}`);
      expect(got.body).toMatchObject({ id, currency: 'EUR', price_per_kwh: 0.35, tax_rate_percent: 19 });
      const replaced = await put(`/api/v1/tariffs/${id}`, { name: 'Renamed', price_per_kwh: 0.4 });
      expect(replaced.body).toMatchObject({ name: 'Renamed', price_per_kwh: 0.4, tax_rate_percent: 0 });
      const other = await signUp(api);
      expect((await api.http().get(`/api/v1/tariffs/${id}`).set(bearer(other.token))).status).toBe(404);
      expect((await api.http().delete(`/api/v1/tariffs/${id}`).set(bearer(owner.token))).status).toBe(204);
      expect((await get(`/api/v1/tariffs/${id}`)).status).toBe(404);
    });
  });

  describe('a full charge through the gateway is priced as computed by hand', () => {
    const t0 = new Date('2026-01-10T10:00:00Z');

    it('energy only, with tax; editing the tariff afterwards leaves the session unchanged', async () => {
      const id = await tariff({ price_per_kwh: 0.3, tax_rate_percent: 20 });
      const cp = await chargerWithTariff(id);
      // 12.345 kWh × 0.30 = 3.7035 → 3.70; tax 20 % = 0.74; total 4.44
      const sessionId = await charge(cp, {
        idTag: 'PRICE01',
        start: t0,
        meterStartWh: 1000,
        stop: new Date(t0.getTime() + 60 * MIN),
        meterStopWh: 13345,
      });
      const session = await get(`/api/v1/sessions/${sessionId}`);
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({
        status: 'completed',
        cost: 4.44,
        currency: 'EUR',
        needs_review: false,
      });
      expect(
        session.body.cost_breakdown.lines.map((l: { type: string; amount_minor: number }) => [
          l.type,
          l.amount_minor,
        ]),
      ).toEqual([
        ['energy', 370],
        ['tax', 74],
      ]);
      expect(session.body.meter_values.length).toBeGreaterThanOrEqual(2);

      expect(
        (await put(`/api/v1/tariffs/${id}`, { name: 'Dearer', price_per_kwh: 0.9, tax_rate_percent: 20 }))
          .status,
      ).toBe(200);
      const again = await get(`/api/v1/sessions/${sessionId}/cost-breakdown`);
      expect(again.body).toMatchObject({ total: 4.44, total_minor: 444, estimate: false, currency: 'EUR' });
    });

    it('time-based with a session fee', async () => {
      const cp = await chargerWithTariff(await tariff({ price_per_hour: 2, session_fee: 0.5 }));
      // 1 h 30 min × 2.00 = 3.00 + 0.50
      const sessionId = await charge(cp, {
        idTag: 'PRICE01',
        start: t0,
        meterStartWh: 0,
        stop: new Date(t0.getTime() + 90 * MIN),
        meterStopWh: 5000,
      });
      const cost = await get(`/api/v1/sessions/${sessionId}/cost-breakdown`);
      expect(
        cost.body.lines.map((l: { type: string; amount_minor: number }) => [l.type, l.amount_minor]),
      ).toEqual([
        ['time', 300],
        ['session_fee', 50],
      ]);
      expect(cost.body.total).toBe(3.5);
    });

    it('an idle fee after the grace period', async () => {
      const cp = await chargerWithTariff(
        await tariff({ price_per_kwh: 0.25, idle_fee_per_minute: 0.1, idle_grace_minutes: 15 }),
      );
      // 10 kWh × 0.25 = 2.50; full at 60 min, stopped at 120 min: 60 − 15 = 45 min × 0.10 = 4.50
      const sessionId = await charge(cp, {
        idTag: 'PRICE01',
        start: t0,
        meterStartWh: 0,
        samples: [
          { at: new Date(t0.getTime() + 30 * MIN), wh: 5000 },
          { at: new Date(t0.getTime() + 60 * MIN), wh: 10000 },
          { at: new Date(t0.getTime() + 100 * MIN), wh: 10000 },
        ],
        stop: new Date(t0.getTime() + 120 * MIN),
        meterStopWh: 10000,
      });
      const cost = await get(`/api/v1/sessions/${sessionId}/cost-breakdown`);
      expect(
        cost.body.lines.map((l: { type: string; amount_minor: number }) => [l.type, l.amount_minor]),
      ).toEqual([
        ['energy', 250],
        ['idle_fee', 450],
      ]);
      expect(cost.body.total).toBe(7);
    });

    it("a night window crossing midnight in the organization's timezone (Europe/Berlin)", async () => {
      await tariff({
        is_default: true,
        price_per_kwh: 0.4,
        windows: [{ name: 'Night', start: '22:00', end: '06:00', price_per_kwh: 0.2 }],
      });
      const cp = await chargerWithTariff(null);
      // Window 22:00–06:00 Berlin = 21:00Z–05:00Z. Register 0 @22:30Z, 3000 @23:00Z, 35000 @05:30Z;
      // at 05:00Z interpolated 32538.462 Wh: 32.538462 kWh × 0.20 = 6.51, 2.461538 kWh × 0.40 = 0.98
      const start = new Date('2026-01-15T22:30:00Z');
      const sessionId = await charge(cp, {
        idTag: 'PRICE01',
        start,
        meterStartWh: 0,
        samples: [{ at: new Date('2026-01-15T23:00:00Z'), wh: 3000 }],
        stop: new Date('2026-01-16T05:30:00Z'),
        meterStopWh: 35000,
      });
      const cost = await get(`/api/v1/sessions/${sessionId}/cost-breakdown`);
      expect(
        cost.body.lines.map((l: { description: string; amount_minor: number }) => [
          l.description,
          l.amount_minor,
        ]),
      ).toEqual([
        ['Energy (Night)', 651],
        ['Energy', 98],
      ]);
      expect(cost.body.total).toBe(7.49);
    });

    it('an OCPP 2.0.1 transaction priced the same way', async () => {
      const cp = await aChargePoint(api, owner.token);
      await put(`/api/v1/charge-points/${cp.id}/tariff`, { tariff_id: await tariff({ price_per_kwh: 0.5 }) });
      const client = await connectCharger({
        port: gateway.port,
        identity: cp.id,
        password: cp.password,
        protocol: 'ocpp2.0.1',
      });
      open.push(client);
      await client.call('BootNotification', {
        reason: 'PowerUp',
        chargingStation: { model: 'X', vendorName: 'Acme' },
      });
      const energy = (kwh: number, context: string, at: Date) => [
        {
          timestamp: iso(at),
          sampledValue: [
            {
              value: kwh,
              context,
              measurand: 'Energy.Active.Import.Register',
              unitOfMeasure: { unit: 'kWh' },
            },
          ],
        },
      ];
      const event = (eventType: string, seqNo: number, at: Date, kwh: number, context: string) => {
        gateway.clock.set(at);
        return client.call('TransactionEvent', {
          eventType,
          timestamp: iso(at),
          triggerReason: eventType === 'Started' ? 'Authorized' : 'MeterValuePeriodic',
          seqNo,
          transactionInfo: { transactionId: 'tx-price-201' },
          ...(eventType === 'Started' && { idToken: { idToken: 'PRICE01', type: 'ISO14443' } }),
          evse: { id: 1, connectorId: 1 },
          meterValue: energy(kwh, context, at),
        });
      };
      // 22.5 − 10 = 12.5 kWh × 0.50 = 6.25
      await event('Started', 0, t0, 10, 'Transaction.Begin');
      await event('Updated', 1, new Date(t0.getTime() + 30 * MIN), 15, 'Sample.Periodic');
      await event('Ended', 2, new Date(t0.getTime() + 60 * MIN), 22.5, 'Transaction.End');
      gateway.clock.reset();
      const list = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(list.body.data[0]).toMatchObject({ ocpp_version: '2.0.1', status: 'completed', cost: 6.25 });
    });

    it('gives a live estimate for an open session and flags review-worthy sessions', async () => {
      const cp = await chargerWithTariff(await tariff({ price_per_kwh: 1 }));
      const now = new Date();
      const started = (await cp.client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'PRICE01',
        meterStart: 0,
        timestamp: iso(now),
      })) as { transactionId: number };
      await cp.client.call('MeterValues', {
        connectorId: 1,
        transactionId: started.transactionId,
        meterValue: [
          {
            timestamp: iso(new Date(now.getTime() + 1000)),
            sampledValue: [{ value: '2500', unit: 'Wh', measurand: 'Energy.Active.Import.Register' }],
          },
        ],
      });
      const list = await get(`/api/v1/sessions?charge_point_id=${cp.id}&status=active`);
      const estimate = await get(`/api/v1/sessions/${list.body.data[0].id}/cost-breakdown`);
      expect(estimate.body).toMatchObject({ estimate: true, total: 2.5 });

      // A stop with a register below the start: priced, but marked for review.
      await cp.client.call('StopTransaction', {
        transactionId: started.transactionId,
        idTag: 'PRICE01',
        meterStop: 0,
        timestamp: iso(new Date(now.getTime() + 2000)),
      });
      const done = await get(`/api/v1/sessions/${list.body.data[0].id}`);
      expect(done.body.flags.length).toBeGreaterThan(0);
      expect(done.body).toMatchObject({ needs_review: true });
      expect(done.body.priced_at).not.toBeNull();
    });
  });

  describe('tariffs of projects', () => {
    it("prices a session with its charge point's tariff, else its project's, else the default", async () => {
      const projectTariff = await tariff({ price_per_kwh: 0.5 });
      const ownTariff = await tariff({ price_per_kwh: 0.25 });
      const project = await post('/api/v1/projects', { name: 'Depot' });
      expect(project.status).toBe(201);
      const assigned = await put(`/api/v1/projects/${project.body.id}/tariff`, { tariff_id: projectTariff });
      expect(assigned.body).toEqual({ project_id: project.body.id, tariff_id: projectTariff });
      expect((await get(`/api/v1/projects/${project.body.id}`)).body.tariff_id).toBe(projectTariff);

      const inProject = await chargerWithTariff(null);
      const withOwn = await chargerWithTariff(ownTariff);
      for (const cp of [inProject, withOwn]) {
        const patched = await api
          .http()
          .patch(`/api/v1/charge-points/${cp.id}`)
          .set(bearer(owner.token))
          .send({ project_id: project.body.id });
        expect(patched.status).toBe(200);
      }
      const t = new Date('2026-02-02T10:00:00Z');
      const ride = {
        idTag: 'PRICE01',
        start: t,
        meterStartWh: 0,
        stop: new Date(t.getTime() + 30 * MIN),
        meterStopWh: 10000,
      };
      // 10 kWh × 0.50 from the project; 10 kWh × 0.25 from the charge point's own tariff
      const a = await get(`/api/v1/sessions/${await charge(inProject, ride)}/cost-breakdown`);
      expect(a.body).toMatchObject({ total_minor: 500, currency: 'EUR' });
      const b = await get(`/api/v1/sessions/${await charge(withOwn, ride)}/cost-breakdown`);
      expect(b.body).toMatchObject({ total_minor: 250 });

      expect(
        (await put(`/api/v1/projects/${project.body.id}/tariff`, { tariff_id: 'trf_nope' })).status,
      ).toBe(404);
      const other = await signUp(api);
      const foreign = await api
        .http()
        .put(`/api/v1/projects/${project.body.id}/tariff`)
        .set(bearer(other.token))
        .send({ tariff_id: null });
      expect(foreign.status).toBe(404);
      // a deleted tariff leaves the project on the organization's default
      expect(
        (await api.http().delete(`/api/v1/tariffs/${projectTariff}`).set(bearer(owner.token))).status,
      ).toBe(204);
      expect((await get(`/api/v1/projects/${project.body.id}`)).body.tariff_id).toBeNull();
    });
  });

  describe('operator sessions API', () => {
    it('filters, rejects bad ranges and reports stats per day in the organization timezone', async () => {
      expect((await get('/api/v1/sessions?from=2026-02-01&to=2026-01-01')).status).toBe(400);
      expect((await get('/api/v1/sessions?from=yesterday')).status).toBe(400);
      const day = await get('/api/v1/sessions?from=2026-01-10&to=2026-01-10&id_tag=price01');
      expect(day.status).toBe(200);
      expect(day.body.total).toBe(4);
      // 22:30Z on the 15th is 23:30 on the 15th in Berlin
      const stats = await get('/api/v1/sessions/stats?from=2026-01-01&to=2026-01-31');
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({ timezone: 'Europe/Berlin', currency: 'EUR' });
      expect(stats.body.data).toEqual([
        { day: '2026-01-10', sessions: 4, energy_kwh: 39.845, revenue: 21.19 },
        { day: '2026-01-15', sessions: 1, energy_kwh: 35, revenue: 7.49 },
      ]);
      const byCp = await get('/api/v1/sessions/stats?group_by=charge_point&from=2026-01-15&to=2026-01-16');
      expect(byCp.body).toMatchObject({ group_by: 'charge_point' });
      expect(byCp.body.data).toHaveLength(1);
      expect((await get('/api/v1/sessions/stats?group_by=week')).status).toBe(400);
    });
  });

  describe('the billing sweep', () => {
    /** `INSERT INTO table (…) SELECT …` copying the rows of `from`, with some columns replaced. */
    async function copyRows(db: DataSource, table: string, from: string, replaced: Record<string, string>) {
      const columns: string[] = (
        await db.query(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      ).map((r: { column_name: string }) => r.column_name);
      const kept = columns.filter((c) => replaced[c] !== '');
      return `INSERT INTO ${table} (${kept.map((c) => `"${c}"`).join(', ')})
        SELECT ${kept.map((c) => replaced[c] ?? `s."${c}"`).join(', ')} FROM ${from}`;
    }

    it('prices a backlog of more than one batch, and passes over a session it cannot price', async () => {
      const cp = await chargerWithTariff(await tariff({ price_per_kwh: 0.5 }));
      const t = new Date('2026-03-01T08:00:00Z');
      // 4 kWh × 0.50 = 2.00
      const original = await charge(cp, {
        idTag: 'PRICE01',
        start: t,
        meterStartWh: 1000,
        samples: [{ at: new Date(t.getTime() + 20 * MIN), wh: 2500 }],
        stop: new Date(t.getTime() + 40 * MIN),
        meterStopWh: 5000,
      });
      expect((await get(`/api/v1/sessions/${original}/cost-breakdown`)).body).toMatchObject({
        total_minor: 200,
        estimate: false,
      });

      // 1,200 finished copies of it, unpriced, each with the original's register readings: more than
      // two batches of the sweep. One copy's tariff holds a price that cannot be read.
      const db = api.app.get(DataSource);
      const copies = 1200;
      await db.transaction(async (tx) => {
        await tx.query(
          await copyRows(
            db,
            'charging_sessions',
            `charging_sessions s, generate_series(1, ${copies}) AS n WHERE s.id = $1`,
            {
              id: `'ses_backlog_' || n`,
              transaction_id: `'backlog-' || n`,
              ocpp_transaction_id: 'NULL',
              cost_total_minor: 'NULL',
              cost_breakdown: 'NULL',
              priced_at: 'NULL',
            },
          ),
          [original],
        );
        await tx.query(
          await copyRows(
            db,
            'meter_value_sets',
            `meter_value_sets s, generate_series(1, ${copies}) AS n WHERE s.session_id = $1`,
            {
              id: '',
              session_id: `'ses_backlog_' || n`,
              dedup_key: `md5(s.dedup_key::text || n)::uuid`,
            },
          ),
          [original],
        );
        await tx.query(
          `UPDATE charging_sessions SET tariff_snapshot = jsonb_set(tariff_snapshot, '{price_per_kwh}', '"a lot"')
            WHERE id = 'ses_backlog_7'`,
        );
      });

      const unpriced = async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM charging_sessions
              WHERE id LIKE 'ses_backlog_%' AND priced_at IS NULL`,
          )
        )[0].n as number;
      // One sweep prices the whole backlog (the worker's own sweeps may run meanwhile: each session is
      // priced once whoever gets to it first).
      await api.app.get(SessionPricingService).priceUnpriced();
      expect(await unpriced()).toBe(1);
      const priced: Array<{ id: string; cost_total_minor: number; lines: string[] }> = await db.query(
        `SELECT id, cost_total_minor, ARRAY(SELECT l->>'type' FROM jsonb_array_elements(cost_breakdown->'lines') l)
           AS lines
           FROM charging_sessions WHERE id LIKE 'ses_backlog_%' AND priced_at IS NOT NULL`,
      );
      expect(priced).toHaveLength(copies - 1);
      expect(priced.every((p) => p.cost_total_minor === 200 && p.lines.join() === 'energy')).toBe(true);
      expect(priced.map((p) => p.id)).not.toContain('ses_backlog_7');
      // The day's revenue counts every priced session: the original and its copies but the one.
      const stats = await get('/api/v1/sessions/stats?from=2026-03-01&to=2026-03-01');
      expect(stats.status).toBe(200);
      expect(stats.body.data).toMatchObject([{ sessions: copies + 1, revenue: 2400 }]);
    });
  });
});
