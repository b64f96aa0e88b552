import { RPCClient } from 'ocpp-rpc';
import { DataSource } from 'typeorm';
import { pdfText } from './support/pdf';
import { aChargePoint, connectCharger } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { SignedUp, bearer, signUp, uniqueEmail } from './support/session';
import { SmtpCapture } from './support/smtp';
import { TestCharger } from './support/ocpp-charger';

const iso = (d: Date) => d.toISOString();
const PUBLIC_URL = 'https://csms.example.test';

const binary = (res: NodeJS.ReadableStream, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('driver portal', () => {
  let smtp: SmtpCapture;
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  let charger: { id: string; client: RPCClient };
  const drivers: Record<string, { id: string; email: string; token: string }> = {};
  const sessions: Record<string, string> = {};

  const op = (method: 'get' | 'post' | 'put' | 'patch', path: string, body?: object) =>
    api.http()[method](path).set(bearer(owner.token)).send(body);
  const as = (who: string) => ({
    get: (path: string) => api.http().get(path).set(bearer(drivers[who].token)),
    post: (path: string, body: object) => api.http().post(path).set(bearer(drivers[who].token)).send(body),
  });

  /**
   * The email reaches the SMTP server a moment before the worker commits the row as sent (and the
   * token's hash with it): wait for both, as a person clicking the link always does.
   */
  async function delivered(address: string, count = 1) {
    const mail = await smtp.waitFor(address, count);
    const db = api.app.get(DataSource);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ sent }] = await db.query(
        `SELECT count(*)::int AS sent FROM outbound_emails WHERE recipient = lower($1) AND status = 'sent'`,
        [address],
      );
      if (sent >= count) return mail;
      if (Date.now() > deadline) throw new Error(`email to ${address} not marked sent`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function createDriver(name: string): Promise<void> {
    const email = uniqueEmail(name);
    const res = await op('post', '/api/v1/drivers', { email, first_name: name, last_name: 'Driver' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email, status: 'invited', id_tag_ids: [] });
    const mail = await delivered(email);
    const match = /drivers\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(match).not.toBeNull();
    const accepted = await api
      .http()
      .post('/api/v1/drivers/invitations/accept')
      .send({ token: match![1], password: 'a long driver password' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.driver.status).toBe('active');
    // Single use: the same link again is 409; an unknown token is 404.
    const again = await api
      .http()
      .post('/api/v1/drivers/invitations/accept')
      .send({ token: match![1], password: 'a long driver password' });
    expect(again.status).toBe(409);
    drivers[name] = { id: res.body.id, email, token: accepted.body.token.token };
    const login = await api
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: 'a long driver password' });
    expect(login.status).toBe(200);
  }

  async function charge(idTag: string, start: Date, wh: number, stop = true): Promise<string> {
    gateway.clock.set(start);
    const started = (await charger.client.call('StartTransaction', {
      connectorId: 1,
      idTag,
      meterStart: 0,
      timestamp: iso(start),
    })) as { transactionId: number };
    const end = new Date(start.getTime() + 3600_000);
    if (stop) {
      gateway.clock.set(end);
      await charger.client.call('StopTransaction', {
        transactionId: started.transactionId,
        idTag,
        meterStop: wh,
        timestamp: iso(end),
      });
    }
    gateway.clock.reset();
    const list = await op('get', `/api/v1/sessions?charge_point_id=${charger.id}&limit=1`);
    return list.body.data[0].id;
  }

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    stack = await createTestStack({
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      MAIL_FROM: 'CSMS <billing@csms.example.test>',
      BILLING_SWEEP_INTERVAL_SECONDS: '1',
    });
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api, { organization_name: 'Volt Parking Ltd' });
    expect(
      (
        await op('put', `/api/v1/organizations/${owner.orgId}`, {
          name: 'Volt Parking Ltd',
          country: 'GB',
          contact_email: 'ops@volt.example',
          address: '1 Charge Street, London',
          tax_id: 'GB123456789',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await op('put', `/api/v1/organizations/${owner.orgId}/settings`, {
          timezone: 'Europe/London',
          default_currency: 'GBP',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await op('post', '/api/v1/tariffs', {
          name: 'Std',
          is_default: true,
          price_per_kwh: 0.35,
          tax_rate_percent: 20,
        })
      ).status,
    ).toBe(201);
    await createDriver('ann');
    await createDriver('bob');
    const tagA = await op('post', '/api/v1/id-tags', { value: 'TAG-ANN', driver_id: drivers.ann.id });
    expect(tagA.status).toBe(201);
    expect(tagA.body.driver_id).toBe(drivers.ann.id);
    expect(
      (await op('post', '/api/v1/id-tags', { value: 'TAG-BOB', driver_id: drivers.bob.id })).status,
    ).toBe(201);
    expect((await op('post', '/api/v1/id-tags', { value: 'TAG-X', driver_id: 'drv_nobody' })).status).toBe(
      404,
    );

    const cp = await aChargePoint(api, owner.token);
    const client = await connectCharger({ port: gateway.port, identity: cp.id, password: cp.password });
    await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' });
    charger = { id: cp.id, client };

    sessions.ann1 = await charge('TAG-ANN', new Date('2026-01-15T08:30:00Z'), 10_000); // 3.50 + 0.70 = 4.20
    sessions.ann2 = await charge('TAG-ANN', new Date('2026-01-20T08:30:00Z'), 20_000); // 7.00 + 1.40 = 8.40
    sessions.bob1 = await charge('TAG-BOB', new Date('2026-01-16T08:30:00Z'), 5_000);
    // The tag moves to Bob: the new session is Bob's, Ann's history stays Ann's.
    expect((await op('patch', `/api/v1/id-tags/${tagA.body.id}`, { driver_id: drivers.bob.id })).status).toBe(
      200,
    );
    sessions.bob2 = await charge('TAG-ANN', new Date('2026-01-21T08:30:00Z'), 1_000);
    sessions.open = await charge('TAG-BOB', new Date(), 0, false);
  });
  afterAll(async () => {
    await charger?.client.close({ force: true }).catch(() => undefined);
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
    await smtp?.close();
  });

  it('resends a driver invitation with a new link; the old link stops working', async () => {
    const email = uniqueEmail('cat');
    const created = await op('post', '/api/v1/drivers', { email, first_name: 'Cat', last_name: 'Driver' });
    expect(
      (await op('post', '/api/v1/drivers', { email, first_name: 'Cat', last_name: 'Again' })).status,
    ).toBe(409);
    const token = (mail: { text: string }) => /drivers\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const first = token(await delivered(email, 1));
    const resent = await op('post', `/api/v1/drivers/${created.body.id}/resend-invitation`);
    expect(resent.status).toBe(200);
    const second = token(await delivered(email, 2));
    expect(second).not.toBe(first);
    const accept = (t: string) =>
      api
        .http()
        .post('/api/v1/drivers/invitations/accept')
        .send({ token: t, password: 'a long driver password' });
    expect((await accept(first)).status).toBe(404);
    expect((await accept(second)).status).toBe(200);
    expect((await op('post', `/api/v1/drivers/${created.body.id}/resend-invitation`)).status).toBe(409);
    const bad = await api
      .http()
      .post('/api/v1/drivers/invitations/accept')
      .send({ token: second, password: 'short' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('password');
  });

  it('a disabled driver is refused by the portal until re-enabled', async () => {
    expect((await op('patch', `/api/v1/drivers/${drivers.ann.id}`, { status: 'disabled' })).status).toBe(200);
    const refused = await as('ann').get('/api/v1/portal/sessions');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('driver_inactive');
    expect((await op('patch', `/api/v1/drivers/${drivers.ann.id}`, { status: 'active' })).status).toBe(200);
    expect((await as('ann').get('/api/v1/portal/sessions')).status).toBe(200);
    const listed = await op('get', `/api/v1/drivers/${drivers.bob.id}`);
    expect(listed.body.id_tag_ids).toHaveLength(2);
  });

  it("a driver's email given as a reservation's id_tag resolves to their active tag", async () => {
    expect(
      (await op('post', '/api/v1/id-tags', { value: 'TAG-ANN2', driver_id: drivers.ann.id })).status,
    ).toBe(201);
    const cp = await aChargePoint(api, owner.token);
    const client = await connectCharger({ port: gateway.port, identity: cp.id, password: cp.password });
    const calls: Array<{ method: string; params: unknown }> = [];
    client.handle(async ({ method, params }: { method?: string; params?: unknown }) => {
      calls.push({ method: method!, params });
      return { status: 'Accepted' };
    });
    try {
      await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' });
      await client.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Available',
        timestamp: iso(new Date()),
      });
      const res = await op('post', '/api/v1/reservations', {
        charge_point_id: cp.id,
        connector_id: 1,
        expiry_date: iso(new Date(Date.now() + 30 * 60_000)),
        id_tag: drivers.ann.email,
      });
      expect([201, 202]).toContain(res.status);
      expect(calls[0]).toMatchObject({ method: 'ReserveNow', params: { idTag: 'TAG-ANN2' } });
    } finally {
      await client.close({ force: true }).catch(() => undefined);
    }
  });

  it('lists only the driver’s own sessions in the documented shape', async () => {
    const res = await as('ann').get('/api/v1/portal/sessions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          session_id: sessions.ann2,
          charge_point_id: charger.id,
          started_at: '2026-01-20T08:30:00.000Z',
          ended_at: '2026-01-20T09:30:00.000Z',
          energy_kwh: 20,
          cost: 8.4,
          currency: 'GBP',
        },
        {
          session_id: sessions.ann1,
          charge_point_id: charger.id,
          started_at: '2026-01-15T08:30:00.000Z',
          ended_at: '2026-01-15T09:30:00.000Z',
          energy_kwh: 10,
          cost: 4.2,
          currency: 'GBP',
        },
      ],
      total: 2,
    });
    const operatorView = await op('get', `/api/v1/sessions?driver_id=${drivers.ann.id}`);
    expect(operatorView.body.data.map((x: { id: string }) => x.id)).toEqual([sessions.ann2, sessions.ann1]);
    const bob = await as('bob').get('/api/v1/portal/sessions');
    expect(bob.body.data.map((s: { session_id: string }) => s.session_id).sort()).toEqual(
      [sessions.bob1, sessions.bob2, sessions.open].sort(),
    );
  });

  it('filters by date (a date-only `to` is inclusive) and limits', async () => {
    const day = await as('ann').get('/api/v1/portal/sessions?from=2026-01-01&to=2026-01-15');
    expect(day.body.data.map((s: { session_id: string }) => s.session_id)).toEqual([sessions.ann1]);
    expect(day.body.total).toBe(1);
    const limited = await as('ann').get('/api/v1/portal/sessions?limit=1');
    expect(limited.body.data).toHaveLength(1);
    expect(limited.body.total).toBe(2);
    const reversed = await as('ann').get('/api/v1/portal/sessions?from=2026-02-01&to=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toContain('from');
    const tooMany = await as('ann').get('/api/v1/portal/sessions?limit=101');
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('limit');
  });

  it("answers 404 for another driver's session and 403 for callers who are not drivers", async () => {
    expect((await as('bob').get(`/api/v1/portal/sessions/${sessions.ann1}/cost-breakdown`)).status).toBe(404);
    expect((await as('bob').get(`/api/v1/portal/sessions/${sessions.ann1}/receipt`)).status).toBe(404);
    expect(
      (
        await as('bob').post(`/api/v1/portal/sessions/${sessions.ann1}/dispute`, {
          reason: 'Not my charge at all',
        })
      ).status,
    ).toBe(404);
    expect((await as('ann').get(`/api/v1/portal/sessions/${sessions.bob2}/cost-breakdown`)).status).toBe(404);
    expect((await op('get', '/api/v1/portal/sessions')).status).toBe(403);
    expect((await api.http().get('/api/v1/portal/sessions')).status).toBe(401);
  });

  it('gives the itemised cost breakdown', async () => {
    const res = await as('ann').get(`/api/v1/portal/sessions/${sessions.ann1}/cost-breakdown`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      session_id: sessions.ann1,
      currency: 'GBP',
      subtotal: 3.5,
      tax: 0.7,
      total: 4.2,
    });
    expect(res.body.lines.map((l: { type: string; amount: number }) => [l.type, l.amount])).toEqual([
      ['energy', 3.5],
      ['tax', 0.7],
    ]);
  });

  it('sends a PDF receipt with the operator, the session and the total; 409 while the session runs', async () => {
    const res = await as('ann')
      .get(`/api/v1/portal/sessions/${sessions.ann1}/receipt`)
      .buffer(true)
      .parse(binary as never);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('Volt Parking Ltd');
    expect(text).toContain('1 Charge Street, London');
    expect(text).toContain('GB123456789');
    expect(text).toContain(sessions.ann1);
    expect(text).toContain(charger.id);
    expect(text).toContain('2026-01-15 08:30 (Europe/London)');
    expect(text).toContain('10.000 kWh');
    expect(text).toContain('Tax: 0.70 GBP');
    expect(text).toContain('Total: 4.20 GBP');
    expect((await as('bob').get(`/api/v1/portal/sessions/${sessions.open}/receipt`)).status).toBe(409);
  });

  it('runs a dispute round trip: the driver disputes, the operator resolves, the driver is emailed and sees it', async () => {
    const path = `/api/v1/portal/sessions/${sessions.ann2}/dispute`;
    const short = await as('ann').post(path, { reason: 'too much' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('reason');
    const opened = await as('ann').post(path, {
      reason: 'Session ended prematurely but full session duration was charged.',
      expected_cost: 3.5,
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({
      dispute_id: expect.stringMatching(/^disp_/),
      session_id: sessions.ann2,
      status: 'open',
      created_at: expect.any(String),
    });
    expect((await as('ann').post(path, { reason: 'And again, the same charge.' })).status).toBe(409);

    const list = await op('get', '/api/v1/disputes?status=open');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        dispute_id: opened.body.dispute_id,
        driver_id: drivers.ann.id,
        expected_cost: 3.5,
        session_cost: 8.4,
        currency: 'GBP',
      }),
    ]);
    const bad = await op('post', `/api/v1/disputes/${opened.body.dispute_id}/resolve`, {
      outcome: 'maybe',
      note: 'x',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('outcome');
    const resolved = await op('post', `/api/v1/disputes/${opened.body.dispute_id}/resolve`, {
      outcome: 'accepted',
      refund_amount: 4.9,
      note: 'Refunded: the charger reported a fault.',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'accepted', refund_amount: 4.9 });
    expect(
      (
        await op('post', `/api/v1/disputes/${opened.body.dispute_id}/resolve`, {
          outcome: 'rejected',
          note: 'no',
        })
      ).status,
    ).toBe(409);

    const mail = await smtp.waitFor(drivers.ann.email, 2);
    expect(mail.text).toContain('accepted');
    expect(mail.text).toContain('4.90 GBP');
    expect(mail.text).toContain('Refunded: the charger reported a fault.');
    const mine = await as('ann').get('/api/v1/portal/disputes');
    expect(mine.body.data[0]).toMatchObject({ dispute_id: opened.body.dispute_id, status: 'accepted' });
    // Resolved, so a new dispute may be opened.
    expect((await as('ann').post(path, { reason: 'Still wrong after the refund.' })).status).toBe(201);

    const other = await signUp(api);
    expect(
      (
        await api
          .http()
          .post(`/api/v1/disputes/${opened.body.dispute_id}/resolve`)
          .set(bearer(other.token))
          .send({ outcome: 'rejected', note: 'x' })
      ).status,
    ).toBe(404);
  });

  it('lets a driver reserve with their own id tag, and see and cancel only their own reservations', async () => {
    expect(
      (await op('post', '/api/v1/id-tags', { value: 'TAG-ANN-RES', driver_id: drivers.ann.id })).status,
    ).toBe(201);
    const cp = await aChargePoint(api, owner.token);
    const station = new TestCharger(gateway, cp.id, 'ocpp1.6', cp.password);
    await station.connect();
    try {
      await station.client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' });
      await station.client.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Available',
      });
      const expiry = new Date(Date.now() + 30 * 60_000).toISOString();
      const reserve = (who: string, idTag: string) =>
        as(who).post('/api/v1/reservations', {
          charge_point_id: cp.id,
          connector_id: 1,
          expiry_date: expiry,
          id_tag: idTag,
        });

      const notHers = await reserve('ann', 'TAG-BOB');
      expect(notHers.status).toBe(422);
      expect(notHers.body.code).toBe('id_tag_not_yours');
      const made = await reserve('ann', 'TAG-ANN-RES');
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ charge_point_id: cp.id, id_tag: 'TAG-ANN-RES', status: 'active' });
      expect((await station.nextCall('ReserveNow')).params.idTag).toBe('TAG-ANN-RES');

      const mine = await as('ann').get('/api/v1/reservations');
      // Her reservations only: those made with her tags (an earlier test reserved with one too).
      expect(mine.body.data.map((r: { reservation_id: string }) => r.reservation_id)).toContain(
        made.body.reservation_id,
      );
      expect(mine.body.data.filter((r: { id_tag: string }) => r.id_tag === 'TAG-BOB')).toEqual([]);
      expect((await as('bob').get('/api/v1/reservations')).body.total).toBe(0);
      expect((await as('bob').get(`/api/v1/reservations/${made.body.reservation_id}`)).status).toBe(404);
      const bobCancels = await api
        .http()
        .delete(`/api/v1/reservations/${made.body.reservation_id}`)
        .set(bearer(drivers.bob.token));
      expect(bobCancels.status).toBe(404);

      const annCancels = await api
        .http()
        .delete(`/api/v1/reservations/${made.body.reservation_id}`)
        .set(bearer(drivers.ann.token));
      expect(annCancels.status).toBe(204);
      expect((await station.nextCall('CancelReservation')).params).toEqual({
        reservationId: made.body.ocpp_reservation_id,
      });
      // The operator sees it too.
      const seen = await op('get', `/api/v1/reservations/${made.body.reservation_id}`);
      expect(seen.body.status).toBe('cancelled');
    } finally {
      await station.close();
    }
  });
});
