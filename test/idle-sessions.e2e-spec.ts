import { RPCClient } from 'ocpp-rpc';
import { aChargePoint, connectCharger, eventually } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { SignedUp, bearer, signUp } from './support/session';

const iso = (d: Date) => d.toISOString();
const MIN = 60_000;

describe('idle-session stop', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  const open: RPCClient[] = [];

  const get = (path: string) => api.http().get(path).set(bearer(owner.token));
  const post = (path: string, body: object) => api.http().post(path).set(bearer(owner.token)).send(body);

  /** A 1.6 charger that accepts every call from the CSMS and keeps what it received. */
  async function recordingCharger(): Promise<{
    id: string;
    client: RPCClient;
    calls: Array<{ method: string; params: unknown }>;
  }> {
    const cp = await aChargePoint(api, owner.token);
    const client = await connectCharger({ port: gateway.port, identity: cp.id, password: cp.password });
    open.push(client);
    const calls: Array<{ method: string; params: unknown }> = [];
    client.handle(async ({ method, params }: { method?: string; params?: unknown }) => {
      calls.push({ method: method!, params });
      return { status: 'Accepted' };
    });
    await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' });
    return { id: cp.id, client, calls };
  }

  async function start(client: RPCClient, at: Date): Promise<number> {
    gateway.clock.set(at);
    const started = (await client.call('StartTransaction', {
      connectorId: 1,
      idTag: 'IDLE01',
      meterStart: 0,
      timestamp: iso(at),
    })) as { transactionId: number };
    return started.transactionId;
  }

  async function meter(client: RPCClient, transactionId: number, at: Date, wh: number): Promise<void> {
    gateway.clock.set(at);
    await client.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: iso(at),
          sampledValue: [{ value: String(wh), unit: 'Wh', measurand: 'Energy.Active.Import.Register' }],
        },
      ],
    });
  }

  beforeAll(async () => {
    stack = await createTestStack({ BILLING_SWEEP_INTERVAL_SECONDS: '1' });
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api);
    expect(
      (
        await api
          .http()
          .put(`/api/v1/organizations/${owner.orgId}/settings`)
          .set(bearer(owner.token))
          .send({ session_idle_timeout_minutes: 10 })
      ).status,
    ).toBe(200);
    expect((await post('/api/v1/id-tags', { value: 'IDLE01' })).status).toBe(201);
  });
  afterEach(() => gateway.clock.reset());
  afterAll(async () => {
    await Promise.all(open.splice(0).map((c) => c.close({ force: true }).catch(() => undefined)));
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  it('sends RemoteStopTransaction for a session with no energy across readings spanning the timeout, and records why', async () => {
    const t0 = new Date(Date.now() - 60 * MIN);
    const idle = await recordingCharger();
    const tx = await start(idle.client, t0);
    await meter(idle.client, tx, new Date(t0.getTime() + 5 * MIN), 4000);
    await meter(idle.client, tx, new Date(t0.getTime() + 10 * MIN), 4000);
    // Still charging elsewhere: energy rising on every reading.
    const busy = await recordingCharger();
    const busyTx = await start(busy.client, t0);
    for (let i = 1; i <= 4; i++)
      await meter(busy.client, busyTx, new Date(t0.getTime() + i * 5 * MIN), i * 2000);
    // A charger that sends no meter values at all.
    const silent = await recordingCharger();
    await start(silent.client, t0);

    // 9 minutes unchanged so far: not yet.
    await new Promise((r) => setTimeout(r, 2500));
    expect(idle.calls).toEqual([]);

    await meter(idle.client, tx, new Date(t0.getTime() + 15 * MIN), 4000);
    const calls = await eventually(
      async () => idle.calls,
      (c) => c.length > 0,
      10_000,
    );
    expect(calls).toEqual([{ method: 'RemoteStopTransaction', params: { transactionId: tx } }]);
    const sessions = await get(`/api/v1/sessions?charge_point_id=${idle.id}`);
    expect(sessions.body.data[0]).toMatchObject({ status: 'active', stop_requested_reason: 'idle_timeout' });

    // The charger stops; the session records the charger's reason, the request stays on it.
    await idle.client.call('StopTransaction', {
      transactionId: tx,
      meterStop: 4000,
      timestamp: iso(new Date(t0.getTime() + 16 * MIN)),
      reason: 'Remote',
    });
    const done = await get(`/api/v1/sessions/${sessions.body.data[0].id}`);
    expect(done.body).toMatchObject({
      status: 'completed',
      stop_reason: 'Remote',
      stop_requested_reason: 'idle_timeout',
    });

    await new Promise((r) => setTimeout(r, 2000));
    expect(busy.calls).toEqual([]);
    expect(silent.calls).toEqual([]);
    // Only one stop, not one per sweep.
    expect(idle.calls).toHaveLength(1);
  });

  it('sends RequestStopTransaction to an OCPP 2.0.1 charger', async () => {
    const cp = await aChargePoint(api, owner.token);
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp2.0.1',
    });
    open.push(client);
    const calls: Array<{ method: string; params: unknown }> = [];
    client.handle(async ({ method, params }: { method?: string; params?: unknown }) => {
      calls.push({ method: method!, params });
      return { status: 'Accepted' };
    });
    await client.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { model: 'X', vendorName: 'Acme' },
    });
    const t0 = new Date(Date.now() - 60 * MIN);
    const event = (eventType: string, seqNo: number, at: Date, wh: number) => {
      gateway.clock.set(at);
      return client.call('TransactionEvent', {
        eventType,
        timestamp: iso(at),
        triggerReason: eventType === 'Started' ? 'Authorized' : 'MeterValuePeriodic',
        seqNo,
        transactionInfo: { transactionId: 'tx-idle-201' },
        ...(eventType === 'Started' && { idToken: { idToken: 'IDLE01', type: 'ISO14443' } }),
        evse: { id: 1, connectorId: 1 },
        meterValue: [
          {
            timestamp: iso(at),
            sampledValue: [
              { value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
            ],
          },
        ],
      });
    };
    await event('Started', 0, t0, 100);
    await event('Updated', 1, new Date(t0.getTime() + 5 * MIN), 900);
    await event('Updated', 2, new Date(t0.getTime() + 20 * MIN), 900);
    gateway.clock.reset();
    const received = await eventually(
      async () => calls,
      (c) => c.length > 0,
      10_000,
    );
    expect(received).toEqual([
      { method: 'RequestStopTransaction', params: { transactionId: 'tx-idle-201' } },
    ]);
  });
});
