import { RPCClient } from 'ocpp-rpc';
import type { RunningApp } from './harness';
import { aChargePoint, connectCharger } from './chargers';
import { TestCharger } from './ocpp-charger';
import { SignedUp, bearer } from './session';

/**
 * The happy paths every backend must carry, written once against running apps, so a suite on other
 * backends (the embedded mode) runs them as they are. A new feature's happy path is one more function.
 */
export interface HappyPathContext {
  api: RunningApp;
  gateway: RunningApp;
  owner: SignedUp;
  /** Sockets the suite closes after each test. */
  open: Array<{ close: (options?: any) => Promise<unknown> }>;
}

const iso = (d: Date) => d.toISOString();

async function connect(ctx: HappyPathContext, options: Parameters<typeof connectCharger>[0]) {
  const client = await connectCharger(options);
  ctx.open.push(client);
  return client;
}

const get = (ctx: HappyPathContext, path: string) => ctx.api.http().get(path).set(bearer(ctx.owner.token));
const post = (ctx: HappyPathContext, path: string, body: object) =>
  ctx.api.http().post(path).set(bearer(ctx.owner.token)).send(body);

/** OCPP 1.6: boot, status, authorize, start, meter values, stop; REST shows the session and its energy. */
export async function ocpp16ChargingSession(ctx: HappyPathContext): Promise<void> {
  const cp = await aChargePoint(ctx.api, ctx.owner.token, { ocpp_version: '1.6' });
  expect((await post(ctx, '/api/v1/id-tags', { value: 'HAPPY-16', type: 'rfid' })).status).toBe(201);
  const client: RPCClient = await connect(ctx, {
    port: ctx.gateway.port,
    identity: cp.id,
    password: cp.password,
  });

  expect(
    await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'Volt 22' }),
  ).toMatchObject({ status: 'Accepted' });
  const t0 = new Date();
  await client.call('StatusNotification', {
    connectorId: 1,
    errorCode: 'NoError',
    status: 'Preparing',
    timestamp: iso(t0),
  });
  expect(await client.call('Authorize', { idTag: 'HAPPY-16' })).toEqual({
    idTagInfo: { status: 'Accepted' },
  });
  const start = { connectorId: 1, idTag: 'HAPPY-16', meterStart: 1000, timestamp: iso(t0) };
  const started = (await client.call('StartTransaction', start)) as { transactionId: number };
  expect(await client.call('StartTransaction', start)).toEqual(started);
  const sample = {
    connectorId: 1,
    transactionId: started.transactionId,
    meterValue: [
      {
        timestamp: iso(new Date(t0.getTime() + 60_000)),
        sampledValue: [{ value: '2.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register' }],
      },
    ],
  };
  await client.call('MeterValues', sample);
  await client.call('MeterValues', sample);
  const stop = {
    transactionId: started.transactionId,
    idTag: 'HAPPY-16',
    meterStop: 4000,
    timestamp: iso(new Date(t0.getTime() + 120_000)),
    reason: 'Local',
  };
  expect(await client.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });

  const sessions = await get(ctx, `/api/v1/sessions?charge_point_id=${cp.id}`);
  expect(sessions.body.total).toBe(1);
  expect(sessions.body.data[0]).toMatchObject({
    ocpp_version: '1.6',
    transaction_id: String(started.transactionId),
    status: 'completed',
    meter_start_wh: 1000,
    meter_stop_wh: 4000,
    energy_wh: 3000,
  });
  const samples = await get(ctx, `/api/v1/sessions/${sessions.body.data[0].id}/meter-values`);
  expect(samples.body.total).toBe(3); // begin, 2.5 kWh once, end
  const view = await get(ctx, `/api/v1/charge-points/${cp.id}`);
  expect(view.body).toMatchObject({ vendor: 'Acme', model: 'Volt 22', connected: true });
  // The list (a prepared statement on the pool) shows the same charge point, twice in a row.
  for (let i = 0; i < 2; i++) {
    const listed = await get(ctx, `/api/v1/charge-points?q=${encodeURIComponent(cp.id)}&limit=5`);
    expect(listed.body).toMatchObject({ total: 1, data: [{ id: cp.id, vendor: 'Acme', connected: true }] });
  }
}

/** OCPP 2.0.1: boot, status, authorize, TransactionEvent Started / Updated / Ended, once per seqNo. */
export async function ocpp201ChargingSession(ctx: HappyPathContext): Promise<void> {
  const cp = await aChargePoint(ctx.api, ctx.owner.token, { ocpp_version: '2.0.1' });
  await post(ctx, '/api/v1/id-tags', { value: 'HAPPY-201', type: 'rfid' });
  const client = await connect(ctx, {
    port: ctx.gateway.port,
    identity: cp.id,
    password: cp.password,
    protocol: 'ocpp2.0.1',
  });
  expect(
    await client.call('BootNotification', {
      chargingStation: { vendorName: 'Acme', model: 'Volt 2' },
      reason: 'PowerUp',
    }),
  ).toMatchObject({ status: 'Accepted' });
  const t0 = new Date();
  await client.call('StatusNotification', {
    timestamp: iso(t0),
    connectorStatus: 'Occupied',
    evseId: 1,
    connectorId: 1,
  });
  const idToken = { idToken: 'HAPPY-201', type: 'ISO14443' };
  expect(await client.call('Authorize', { idToken })).toEqual({ idTokenInfo: { status: 'Accepted' } });
  const energy = (kwh: number, context: string, at: Date) => [
    {
      timestamp: iso(at),
      sampledValue: [
        { value: kwh, context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
      ],
    },
  ];
  const tx = `tx-happy-${Date.now()}`;
  const started = {
    eventType: 'Started',
    timestamp: iso(t0),
    triggerReason: 'Authorized',
    seqNo: 0,
    transactionInfo: { transactionId: tx },
    idToken,
    evse: { id: 1, connectorId: 1 },
    meterValue: energy(10, 'Transaction.Begin', t0),
  };
  expect(await client.call('TransactionEvent', started)).toEqual({ idTokenInfo: { status: 'Accepted' } });
  expect(await client.call('TransactionEvent', started)).toEqual({ idTokenInfo: { status: 'Accepted' } });
  const t1 = new Date(t0.getTime() + 60_000);
  await client.call('TransactionEvent', {
    eventType: 'Updated',
    timestamp: iso(t1),
    triggerReason: 'MeterValuePeriodic',
    seqNo: 1,
    transactionInfo: { transactionId: tx, chargingState: 'Charging' },
    meterValue: energy(11, 'Sample.Periodic', t1),
  });
  await client.call('MeterValues', { evseId: 1, meterValue: energy(11.5, 'Sample.Periodic', t1) });
  const t2 = new Date(t0.getTime() + 120_000);
  expect(
    await client.call('TransactionEvent', {
      eventType: 'Ended',
      timestamp: iso(t2),
      triggerReason: 'StopAuthorized',
      seqNo: 2,
      transactionInfo: { transactionId: tx, stoppedReason: 'Local' },
      meterValue: energy(12.5, 'Transaction.End', t2),
    }),
  ).toEqual({});

  const { body } = await get(ctx, `/api/v1/sessions?charge_point_id=${cp.id}`);
  expect(body.total).toBe(1);
  expect(body.data[0]).toMatchObject({
    ocpp_version: '2.0.1',
    transaction_id: tx,
    status: 'completed',
    meter_start_wh: 10000,
    meter_stop_wh: 12500,
    energy_wh: 2500,
    stop_reason: 'Local',
  });
}

/**
 * A remote command's round trip: api → queue of the charger's gateway node → OCPP CALL → the charger's
 * CALLRESULT is the api's answer (200), for a 1.6 and a 2.0.1 charger.
 */
export async function remoteCommandRoundTrip(ctx: HappyPathContext): Promise<void> {
  const cases = [
    {
      protocol: 'ocpp1.6' as const,
      version: '1.6',
      body: { connector_id: 1, id_tag: 'HAPPY-REMOTE' },
      ocppAction: 'RemoteStartTransaction',
      payload: { connectorId: 1, idTag: 'HAPPY-REMOTE' },
    },
    {
      protocol: 'ocpp2.0.1' as const,
      version: '2.0.1',
      body: { evse_id: 1, id_tag: 'HAPPY-REMOTE' },
      ocppAction: 'RequestStartTransaction',
      payload: { evseId: 1, idToken: { idToken: 'HAPPY-REMOTE', type: 'Central' } },
    },
  ];
  for (const c of cases) {
    const cp = await aChargePoint(ctx.api, ctx.owner.token, { ocpp_version: c.version });
    const charger = new TestCharger(ctx.gateway, cp.id, c.protocol, cp.password);
    ctx.open.push(charger);
    await charger.connect();
    const res = await post(ctx, `/api/v1/charge-points/${cp.id}/actions/remote-start`, c.body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      charge_point_id: cp.id,
      action: 'remote-start',
      ocpp_action: c.ocppAction,
      state: 'answered',
      response: { status: 'Accepted' },
      gateway_node: ctx.gateway.config.gateway.nodeId,
    });
    const call = charger.callsOf(c.ocppAction);
    expect(call).toHaveLength(1);
    expect(call[0].params).toMatchObject(c.payload);
    const stored = await get(ctx, `/api/v1/commands/${res.body.id}`);
    expect(stored.body).toMatchObject({ id: res.body.id, state: 'answered' });
  }
}

/**
 * A reservation's round trip on a 1.6 charger: ReserveNow reaches it (201, active), a StartTransaction
 * with the reservation id uses it and links the session; a second one is cancelled through
 * CancelReservation (204).
 */
export async function reservationRoundTrip(ctx: HappyPathContext): Promise<void> {
  const cp = await aChargePoint(ctx.api, ctx.owner.token, { ocpp_version: '1.6' });
  expect((await post(ctx, '/api/v1/id-tags', { value: 'HAPPY-RES', type: 'rfid' })).status).toBe(201);
  const charger = new TestCharger(ctx.gateway, cp.id, 'ocpp1.6', cp.password);
  ctx.open.push(charger);
  await charger.connect();
  await charger.client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'Volt 22' });
  await charger.client.call('StatusNotification', {
    connectorId: 1,
    errorCode: 'NoError',
    status: 'Available',
  });
  const expiry = new Date(Date.now() + 30 * 60_000).toISOString();

  const res = await post(ctx, '/api/v1/reservations', {
    charge_point_id: cp.id,
    connector_id: 1,
    expiry_date: expiry,
    id_tag: 'HAPPY-RES',
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({
    charge_point_id: cp.id,
    connector_id: 1,
    id_tag: 'HAPPY-RES',
    status: 'active',
  });
  expect((await charger.nextCall('ReserveNow')).params).toEqual({
    connectorId: 1,
    expiryDate: expiry,
    idTag: 'HAPPY-RES',
    reservationId: res.body.ocpp_reservation_id,
  });

  const start = (await charger.client.call('StartTransaction', {
    connectorId: 1,
    idTag: 'HAPPY-RES',
    meterStart: 0,
    timestamp: new Date().toISOString(),
    reservationId: res.body.ocpp_reservation_id,
  })) as { transactionId: number };
  const used = await get(ctx, `/api/v1/reservations/${res.body.reservation_id}`);
  expect(used.body.status).toBe('used');
  expect(used.body.session_id).toMatch(/^sess_/);
  await charger.client.call('StopTransaction', {
    transactionId: start.transactionId,
    meterStop: 1000,
    timestamp: new Date().toISOString(),
  });

  const second = await post(ctx, '/api/v1/reservations', {
    charge_point_id: cp.id,
    connector_id: 1,
    expiry_date: expiry,
    id_tag: 'HAPPY-RES',
  });
  expect(second.status).toBe(201);
  const cancelled = await ctx.api
    .http()
    .delete(`/api/v1/reservations/${second.body.reservation_id}`)
    .set(bearer(ctx.owner.token));
  expect(cancelled.status).toBe(204);
  expect((await charger.nextCall('CancelReservation')).params).toEqual({
    reservationId: second.body.ocpp_reservation_id,
  });
  expect((await get(ctx, `/api/v1/reservations/${second.body.reservation_id}`)).body.status).toBe(
    'cancelled',
  );
}
