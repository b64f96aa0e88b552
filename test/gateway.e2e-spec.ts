import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RPCClient } from 'ocpp-rpc';
import { DataSource } from 'typeorm';
import { MeterValueSets1795381945667 } from '../libs/domain/src/migrations/1795381945667-meter-value-sets';
import { MeterValueLayouts1795440000000 } from '../libs/domain/src/migrations/1795440000000-meter-value-layouts';
import { ConnectionRegistry } from '@csms/queues';
import { layoutDigest } from '@csms/domain';
import type { MeterLayoutFields } from '@csms/domain';
import { ChargePointStateService } from '../apps/ocpp-gateway/src/charging/charge-point-state.service';
import { MeterValuesService } from '../apps/ocpp-gateway/src/charging/meter-values.service';
import type { ChargerConnection } from '../apps/ocpp-gateway/src/ocpp/connections.service';
import { CallsInFlight } from '../apps/ocpp-gateway/src/ocpp/calls-in-flight';
import { MESSAGE_LOG_LIMIT, MessageLogService } from '../apps/ocpp-gateway/src/ocpp/message-log.service';
import { aChargePoint, charger, connectCharger, eventually, handshakeStatus } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { SignedUp, bearer, signUp } from './support/session';

const iso = (d: Date) => d.toISOString();

describe('OCPP gateway', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  const open: RPCClient[] = [];

  const connect = async (options: Parameters<typeof connectCharger>[0]) => {
    const client = await connectCharger(options);
    open.push(client);
    return client;
  };
  /** `count` new charge points, each with its charger connected over OCPP 1.6. */
  const connectedChargers = (count: number) =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const cp = await aChargePoint(api, owner.token);
        return { cp, client: await connect({ port: gateway.port, identity: cp.id, password: cp.password }) };
      }),
    );
  /** The charger of `cp` connected over OCPP 2.0.1. */
  const connect201 = (cp: { id: string; password: string }) =>
    connect({ port: gateway.port, identity: cp.id, password: cp.password, protocol: 'ocpp2.0.1' });
  const get = (path: string) => api.http().get(path).set(bearer(owner.token));
  const post = (path: string, body: object) => api.http().post(path).set(bearer(owner.token)).send(body);
  const patch = (path: string, body: object) => api.http().patch(path).set(bearer(owner.token)).send(body);
  const callError = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (err: { rpcErrorCode?: string }) => err.rpcErrorCode,
    );
  const db = () => gateway.app.get(DataSource);

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close({ force: true }).catch(() => undefined)));
  });
  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  describe('handshake', () => {
    it('refuses an unknown identity with 404', async () => {
      expect(
        await handshakeStatus({ port: gateway.port, identity: 'cp_nobody', password: 'x'.repeat(20) }),
      ).toBe(404);
    });

    it('refuses a decommissioned charge point with 404', async () => {
      const cp = await aChargePoint(api, owner.token);
      expect(
        (await api.http().delete(`/api/v1/charge-points/${cp.id}`).set(bearer(owner.token))).status,
      ).toBe(204);
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(404);
      expect((await get(`/api/v1/charge-points/${cp.id}`)).status).toBe(404);
    });

    it('refuses a wrong or missing password with 401', async () => {
      const cp = await aChargePoint(api, owner.token);
      expect(
        await handshakeStatus({ port: gateway.port, identity: cp.id, password: 'wrong-password-123456' }),
      ).toBe(401);
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id })).toBe(401);
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(
        'connected',
      );
    });

    it('lets a charger on security profile 0 connect without a password', async () => {
      const cp = await aChargePoint(api, owner.token, { security_profile: 0 });
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id })).toBe('connected');
    });

    it('refuses a subprotocol the charge point is not configured for', async () => {
      const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
      expect(
        await handshakeStatus({
          port: gateway.port,
          identity: cp.id,
          password: cp.password,
          protocol: 'ocpp2.0.1',
        }),
      ).toBe(400);
      const other = await aChargePoint(api, owner.token);
      expect(
        await handshakeStatus({
          port: gateway.port,
          identity: other.id,
          password: other.password,
          protocol: 'ocpp2.0' as never,
        }),
      ).toBe(400);
    });

    it('shows the charger connected on its gateway node while the socket is open', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const live = await eventually(
        () => get(`/api/v1/charge-points/${cp.id}`),
        (r) => r.body.connected === true && r.body.connected_ocpp_version !== null,
      );
      expect(live.body).toMatchObject({
        connected: true,
        gateway_node: gateway.config.gateway.nodeId,
        connected_ocpp_version: '1.6',
      });
      const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((c) => c.id);
      const online = await get('/api/v1/charge-points?connected=true&limit=100');
      expect(ids(online)).toContain(cp.id);
      expect(online.body.data.every((c: { connected: boolean }) => c.connected)).toBe(true);
      expect(ids(await get('/api/v1/charge-points?connected=false&limit=100'))).not.toContain(cp.id);
      await client.close();
      const gone = await eventually(
        () => get(`/api/v1/charge-points/${cp.id}`),
        (r) => r.body.connected === false,
      );
      expect(gone.body.connected).toBe(false);
    });

    it('replaces the previous socket when the same charger connects again', async () => {
      const cp = await aChargePoint(api, owner.token);
      const first = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const closed = new Promise<{ code: number }>((resolve) => first.once('close', resolve));
      const second = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect((await closed).code).toBe(4001);
      expect(await second.call('Heartbeat', {})).toHaveProperty('currentTime');
      const registry = gateway.app.get(ConnectionRegistry);
      expect(await registry.nodeOf(cp.id)).toBe(gateway.config.gateway.nodeId);
    });

    it('accepts the old and the new password after a rotation until the charger uses the new one', async () => {
      const cp = await aChargePoint(api, owner.token);
      const rotated = await post(`/api/v1/charge-points/${cp.id}/password`, {
        password: 'the-new-password-0001',
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ charge_point_id: cp.id, generated: false });
      expect(rotated.body.password).toBeUndefined();
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(
        'connected',
      );
      expect(
        await handshakeStatus({ port: gateway.port, identity: cp.id, password: 'the-new-password-0001' }),
      ).toBe('connected');
      expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(401);
    });

    it('generates a 20-byte password, returns it once, and the charger connects with it', async () => {
      const cp = await aChargePoint(api, owner.token);
      const res = await post(`/api/v1/charge-points/${cp.id}/password`, {});
      expect(res.status).toBe(200);
      expect(res.body.generated).toBe(true);
      expect(res.body.password).toMatch(/^[0-9a-f]{40}$/);
      expect(
        await handshakeStatus({ port: gateway.port, identity: cp.id, password: res.body.password }),
      ).toBe('connected');
      expect((await get(`/api/v1/charge-points/${cp.id}`)).body.password).toBeUndefined();
    });
  });

  describe('several gateway nodes', () => {
    it('closes the old socket on another node when the charger reconnects elsewhere, and forgets a node that shuts down', async () => {
      const nodeB = await startGateway(stack, { GATEWAY_NODE_ID: `node-b-${Date.now()}` });
      try {
        const cp = await aChargePoint(api, owner.token);
        const onA = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
        await eventually(
          () => get(`/api/v1/charge-points/${cp.id}`),
          (r) => r.body.gateway_node === gateway.config.gateway.nodeId,
        );
        const closedOnA = new Promise<{ code: number }>((resolve) => onA.once('close', resolve));
        await connect({ port: nodeB.port, identity: cp.id, password: cp.password });
        expect((await closedOnA).code).toBe(4001);
        const moved = await eventually(
          () => get(`/api/v1/charge-points/${cp.id}`),
          (r) => r.body.gateway_node === nodeB.config.gateway.nodeId,
        );
        expect(moved.body).toMatchObject({ connected: true, gateway_node: nodeB.config.gateway.nodeId });

        await nodeB.close();
        const offline = await get(`/api/v1/charge-points/${cp.id}`);
        expect(offline.body).toMatchObject({ connected: false, gateway_node: null });
        expect(await gateway.app.get(ConnectionRegistry).isNodeAlive(nodeB.config.gateway.nodeId)).toBe(
          false,
        );
      } finally {
        await nodeB.close().catch(() => undefined);
      }
    });

    it('drops a charger that stops answering pings within the configured interval', async () => {
      const pinging = await startGateway(stack, { OCPP_PING_INTERVAL: '1' });
      try {
        const cp = await aChargePoint(api, owner.token);
        const client = await connect({ port: pinging.port, identity: cp.id, password: cp.password });
        await eventually(
          () => get(`/api/v1/charge-points/${cp.id}`),
          (r) => r.body.connected === true,
        );
        (client as unknown as { _ws: { _socket: { pause(): void } } })._ws._socket.pause();
        const dropped = await eventually(
          () => get(`/api/v1/charge-points/${cp.id}`),
          (r) => r.body.connected === false,
          6000,
        );
        expect(dropped.body.connected).toBe(false);
      } finally {
        await pinging.close();
      }
    });

    it('pings a charger only after an interval without a message from it', async () => {
      const pinging = await startGateway(stack, { OCPP_PING_INTERVAL: '1' });
      try {
        const cp = await aChargePoint(api, owner.token);
        const client = await connect({ port: pinging.port, identity: cp.id, password: cp.password });
        const pings: number[] = [];
        (client as unknown as { _ws: { on(e: 'ping', f: () => void): void } })._ws.on('ping', () =>
          pings.push(Date.now()),
        );
        const busyUntil = Date.now() + 2500;
        while (Date.now() < busyUntil) {
          await client.call('Heartbeat', {});
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(pings).toEqual([]);
        const quietSince = Date.now();
        await eventually(
          async () => pings.length,
          (n) => n > 0,
          4000,
        );
        expect(pings[0] - quietSince).toBeGreaterThanOrEqual(700);
        expect(client.state).toBe(1); // answered the ping and still open
      } finally {
        await pinging.close();
      }
    });

    it('closes the socket of a charger the operator decommissions', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const closed = new Promise<{ code: number }>((resolve) => client.once('close', resolve));
      expect(
        (await api.http().delete(`/api/v1/charge-points/${cp.id}`).set(bearer(owner.token))).status,
      ).toBe(204);
      expect((await closed).code).toBe(4003);
    });
  });

  describe('TLS', () => {
    it('serves wss:// when a certificate and key are configured', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'csms-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const secure = await startGateway(stack, {
        OCPP_TLS_CERT_FILE: join(dir, 'cert.pem'),
        OCPP_TLS_KEY_FILE: join(dir, 'key.pem'),
      });
      try {
        const cp = await aChargePoint(api, owner.token, { security_profile: 2 });
        const client = new RPCClient({
          endpoint: `wss://127.0.0.1:${secure.port}/ocpp`,
          identity: cp.id,
          protocols: ['ocpp1.6'],
          password: cp.password,
          reconnect: false,
          wsOpts: { rejectUnauthorized: false },
        } as never);
        await client.connect();
        expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');
        await client.close({ force: true });
      } finally {
        await secure.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('OCPP 1.6', () => {
    it('boots, reports status, authorizes, starts, meters and stops; REST shows the live state and the session', async () => {
      const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
      const tag = await post('/api/v1/id-tags', { value: 'ABC123def', type: 'rfid' });
      expect(tag.status).toBe(201);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });

      const boot = (await client.call('BootNotification', {
        chargePointVendor: 'Acme',
        chargePointModel: 'Volt 22',
        chargePointSerialNumber: 'SN-1',
        firmwareVersion: '1.2.3',
      })) as Record<string, unknown>;
      expect(boot).toMatchObject({ status: 'Accepted', interval: 300 });
      expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');

      const now = new Date();
      await client.call('StatusNotification', {
        connectorId: 0,
        errorCode: 'NoError',
        status: 'Available',
        timestamp: iso(now),
      });
      await client.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Preparing',
        timestamp: iso(now),
      });

      expect(await client.call('Authorize', { idTag: 'nobody' })).toEqual({
        idTagInfo: { status: 'Invalid' },
      });
      expect(await client.call('Authorize', { idTag: 'abc123DEF' })).toEqual({
        idTagInfo: { status: 'Accepted' },
      });

      const startedAt = new Date(now.getTime() + 1000);
      const start = { connectorId: 1, idTag: 'ABC123DEF', meterStart: 1000, timestamp: iso(startedAt) };
      const started = (await client.call('StartTransaction', start)) as {
        transactionId: number;
        idTagInfo: object;
      };
      expect(started.idTagInfo).toEqual({ status: 'Accepted' });
      expect(Number.isInteger(started.transactionId)).toBe(true);
      const retried = (await client.call('StartTransaction', start)) as {
        transactionId: number;
        idTagInfo: object;
      };
      expect(retried).toEqual(started);
      expect(await client.call('Authorize', { idTag: 'abc123def' })).toEqual({
        idTagInfo: { status: 'ConcurrentTx' },
      });

      const meter = {
        connectorId: 1,
        transactionId: started.transactionId,
        meterValue: [
          {
            timestamp: iso(new Date(startedAt.getTime() + 60_000)),
            sampledValue: [
              {
                value: '2.5',
                unit: 'kWh',
                measurand: 'Energy.Active.Import.Register',
                context: 'Sample.Periodic',
              },
              { value: '7400', unit: 'W', measurand: 'Power.Active.Import' },
            ],
          },
        ],
      };
      await client.call('MeterValues', meter);
      await client.call('MeterValues', meter);

      const stop = {
        transactionId: started.transactionId,
        idTag: 'ABC123DEF',
        meterStop: 4000,
        timestamp: iso(new Date(startedAt.getTime() + 120_000)),
        reason: 'Local',
        transactionData: [
          { timestamp: iso(new Date(startedAt.getTime() + 90_000)), sampledValue: [{ value: '3200' }] },
        ],
      };
      expect(await client.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
      expect(await client.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });

      const sessions = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(sessions.body.total).toBe(1);
      const session = sessions.body.data[0];
      expect(session).toMatchObject({
        charge_point_id: cp.id,
        ocpp_version: '1.6',
        transaction_id: String(started.transactionId),
        evse_id: 1,
        connector_id: 1,
        id_tag: 'ABC123DEF',
        id_tag_ref: tag.body.id,
        status: 'completed',
        started_at: iso(startedAt),
        stopped_at: stop.timestamp,
        meter_start_wh: 1000,
        meter_stop_wh: 4000,
        energy_wh: 3000,
        stop_reason: 'Local',
        flags: [],
      });
      expect(session.id).toMatch(/^sess_/);
      const [{ count }] = await db().query(
        `SELECT coalesce(sum(cardinality(values)), 0)::int AS count FROM meter_value_sets
         WHERE session_id = $1`,
        [session.id],
      );
      expect(count).toBe(5); // begin, 2.5 kWh, power, transactionData 3200, end
      // Four sets (begin, the periodic one stored once, transactionData, end), each naming its layout by
      // the digest the gateway computes; a layout is stored once however many sets name it.
      const layouts: Array<MeterLayoutFields & { digest: string; sets: number }> = await db().query(
        `SELECT l.digest, l.measurands, l.phases, l.locations, l.contexts, l.units, count(*)::int AS sets
         FROM meter_value_sets m JOIN meter_value_layouts l ON l.digest = m.layout
         WHERE m.session_id = $1 GROUP BY l.digest`,
        [session.id],
      );
      expect(layouts.reduce((sets, l) => sets + l.sets, 0)).toBe(4);
      for (const l of layouts) expect(l.digest.replace(/-/g, '')).toBe(layoutDigest(l));
      expect(layouts).toContainEqual(
        expect.objectContaining({
          measurands: ['Energy.Active.Import.Register', 'Power.Active.Import'],
          phases: [null, null],
          contexts: ['Sample.Periodic', null],
          sets: 1,
        }),
      );
      const [{ copies }] = await db().query(
        `SELECT count(*)::int AS copies FROM meter_value_layouts
         WHERE measurands = ARRAY['Energy.Active.Import.Register', 'Power.Active.Import']
           AND contexts = ARRAY['Sample.Periodic', NULL]`,
      );
      expect(copies).toBe(1);
      const samples = await get(`/api/v1/sessions/${session.id}/meter-values`);
      expect(samples.body.total).toBe(5);
      expect(samples.body.data[0]).toMatchObject({ context: 'Transaction.Begin', value: 1000, unit: 'Wh' });
      expect(samples.body.data).toContainEqual(
        expect.objectContaining({
          measurand: 'Energy.Active.Import.Register',
          value: 2500,
          unit: 'Wh',
          raw_value: '2.5',
        }),
      );

      const view = await get(`/api/v1/charge-points/${cp.id}`);
      expect(view.body).toMatchObject({
        vendor: 'Acme',
        model: 'Volt 22',
        serial_number: 'SN-1',
        firmware_version: '1.2.3',
        connected: true,
        status: 'Available',
      });
      expect(view.body.last_seen_at).not.toBeNull();
      const listed = await get(`/api/v1/charge-points?q=${encodeURIComponent(cp.id)}`);
      expect(listed.body.data).toEqual([view.body]);

      const status = await get(`/api/v1/charge-points/${cp.id}/status`);
      expect(status.body).toMatchObject({
        connected: true,
        status: 'Available',
        evses: [
          { evse_id: 1, connectors: [{ connector_id: 1, status: 'Preparing', error_code: 'NoError' }] },
        ],
      });
      const evses = await get(`/api/v1/charge-points/${cp.id}/evses`);
      expect(evses.body.data).toEqual([
        expect.objectContaining({
          evse_id: 1,
          source: 'status_notification',
          connectors: [expect.objectContaining({ connector_id: 1, source: 'status_notification' })],
        }),
      ]);
      const history = await get(`/api/v1/charge-points/${cp.id}/status-history?limit=1`);
      expect(history.body).toMatchObject({ total: 2, limit: 1, data: [{ evse_id: 1, status: 'Preparing' }] });

      await gateway.app.get(MessageLogService).flush();
      const messages = await get(`/api/v1/charge-points/${cp.id}/messages?limit=100`);
      const boots = messages.body.data.filter((m: { action: string }) => m.action === 'BootNotification');
      expect(boots.map((m: { direction: string }) => m.direction).sort()).toEqual(['in', 'out']);
      expect(boots.find((m: { direction: string }) => m.direction === 'out').frame[2]).toMatchObject({
        status: 'Accepted',
      });
    });

    it('stores a status the charger sends again (same timestamp) once in the history', async () => {
      const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'Volt 22' });
      const at = new Date(Date.now() - 1000);
      const report = { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: iso(at) };
      await client.call('StatusNotification', report);
      await client.call('StatusNotification', report); // its CALLRESULT was lost: sent again
      await client.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
      await client.call('StatusNotification', { ...report, timestamp: iso(new Date()) }); // a new report
      const history = await get(`/api/v1/charge-points/${cp.id}/status-history?limit=10`);
      expect(history.body.total).toBe(3);
      const charging = history.body.data.filter((h: { status: string }) => h.status === 'Charging');
      expect(charging).toHaveLength(2);
    });

    it('writes status reports of one connector that arrive together as if one after the other', async () => {
      const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
      const connection = { organizationId: owner.orgId, chargePointId: cp.id } as ChargerConnection;
      const t0 = Date.now() - 60_000;
      const report = (status: string, s: number) => ({
        evseNumber: 1,
        connectorNumber: 1,
        status,
        errorCode: 'NoError',
        info: null,
        vendorErrorCode: null,
        timestamp: new Date(t0 + s * 1000),
      });
      const state = gateway.app.get(ChargePointStateService);
      // Added in the same turn of the event loop: one batch, one statement. The latest report arrives
      // first; an older one and a repeated one follow.
      await Promise.all([
        state.status(connection, report('Charging', 20)),
        state.status(connection, report('Preparing', 10)),
        state.status(connection, report('Charging', 20)),
      ]);
      const status = await get(`/api/v1/charge-points/${cp.id}/status`);
      expect(status.body.evses).toEqual([
        { evse_id: 1, connectors: [expect.objectContaining({ connector_id: 1, status: 'Charging' })] },
      ]);
      const history = await get(`/api/v1/charge-points/${cp.id}/status-history?limit=10`);
      expect(history.body.data.map((h: { status: string }) => h.status).sort()).toEqual([
        'Charging',
        'Preparing',
      ]);
    });

    it('recomputes the session from stored and new readings when MeterValues arrive late, out of order or again', async () => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: 'late-readings' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const t0 = Date.now() - 120_000;
      const at = (s: number) => iso(new Date(t0 + s * 1000));
      const { transactionId } = (await client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'late-readings',
        meterStart: 1000,
        timestamp: at(0),
      })) as { transactionId: number };
      const reading = (s: number, wh: number, context = 'Sample.Periodic') => ({
        connectorId: 1,
        transactionId,
        meterValue: [
          {
            timestamp: at(s),
            sampledValue: [
              { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context },
              { value: '7400', measurand: 'Power.Active.Import', unit: 'W', context },
            ],
          },
        ],
      });
      const session = async () => {
        const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
        return body.data[0];
      };
      const registerReadings = async () => {
        const [{ count }] = await db().query(
          `SELECT count(*)::int AS count FROM meter_value_sets
           WHERE session_id = $1 AND register_wh IS NOT NULL`,
          [(await session()).id],
        );
        return count;
      };

      await client.call('MeterValues', reading(60, 2000));
      await client.call('MeterValues', reading(180, 3000));
      expect(await session()).toMatchObject({
        meter_start_wh: 1000,
        last_meter_wh: 3000,
        energy_wh: 2000,
        meter_stop_wh: null,
        flags: [],
      });

      // Late but in order with what is stored around it: the latest reading stays the last one.
      await client.call('MeterValues', reading(120, 2500));
      expect(await session()).toMatchObject({ last_meter_wh: 3000, energy_wh: 2000, flags: [] });

      // Late and below the reading taken before it: the register went backwards.
      await client.call('MeterValues', reading(150, 1500));
      await client.call('MeterValues', reading(150, 1500));
      expect(await registerReadings()).toBe(5);
      expect(await session()).toMatchObject({
        last_meter_wh: 3000,
        energy_wh: 2000,
        flags: ['decreasing_register'],
      });

      // A Transaction.End reading is the last one even when later periodic readings follow it.
      await client.call('MeterValues', reading(200, 3100, 'Transaction.End'));
      await client.call('MeterValues', reading(240, 3300));
      expect(await session()).toMatchObject({ last_meter_wh: 3100, energy_wh: 2100, status: 'active' });
      expect(await registerReadings()).toBe(7);
    });

    /**
     * A charger of its own in a 1.6 transaction started two minutes ago (`at(0)`) with `meterStart`, and
     * what MeterValuesService needs to store its register readings (`register(seconds after the start,
     * Wh, context)`) directly.
     */
    const startedSession = async (idTag: string, meterStart: number) => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: idTag });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const t0 = Date.now() - 120_000;
      const at = (s: number) => new Date(t0 + s * 1000);
      const { transactionId } = (await client.call('StartTransaction', {
        connectorId: 1,
        idTag,
        meterStart,
        timestamp: iso(at(0)),
      })) as { transactionId: number };
      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      const target = {
        sessionId: body.data[0].id as string,
        transactionId: String(transactionId),
        evseNumber: 1,
        connectorNumber: 1,
      };
      const connection = { organizationId: owner.orgId, chargePointId: cp.id } as ChargerConnection;
      const register = (s: number, wh: number, context = 'Sample.Periodic') => ({
        sampledAt: at(s),
        measurand: 'Energy.Active.Import.Register',
        phase: null,
        location: null,
        context,
        unit: 'Wh',
        value: wh,
        rawValue: String(wh),
      });
      return { at, target, connection, register };
    };

    it('recomputes a session once from several of its MeterValues written in one statement', async () => {
      const { target, connection, register } = await startedSession('one-batch', 100);
      const meters = gateway.app.get(MeterValuesService);
      // Added in the same turn of the event loop: one batch, one statement. The second repeats a reading
      // of the first (stored once) and brings one taken before it, lower than the one before that.
      await Promise.all([
        meters.storeAndRecompute(connection, [register(60, 400), register(120, 700)], target),
        meters.storeAndRecompute(connection, [register(120, 700), register(90, 300)], target),
      ]);
      const [{ count }] = await db().query(
        `SELECT coalesce(sum(cardinality(values)), 0)::int AS count FROM meter_value_sets
         WHERE session_id = $1`,
        [target.sessionId],
      );
      expect(count).toBe(4); // begin, 60 s, 90 s, 120 s
      const after = await get(`/api/v1/sessions/${target.sessionId}`);
      expect(after.body).toMatchObject({
        meter_start_wh: 100,
        last_meter_wh: 700,
        energy_wh: 600,
        flags: ['decreasing_register'],
      });
    });

    it('updates a session from the new readings alone while they extend it, and in full otherwise', async () => {
      const { target, connection, register, at } = await startedSession('extending', 1000);
      const sessionId = target.sessionId;
      const meters = gateway.app.get(MeterValuesService);
      const store = (...samples: Array<ReturnType<typeof register>>) =>
        meters.storeAndRecompute(connection, samples, target);
      const session = async () => {
        const [row] = await db().query(
          `SELECT meter_start_wh::float AS start, last_meter_wh::float AS last, energy_wh::float AS energy,
             flags, register_tail_at AS tail FROM charging_sessions WHERE id = $1`,
          [sessionId],
        );
        return { ...row, tail: row.tail?.toISOString() ?? null };
      };

      // The start's reading is the tail; readings after it extend the session.
      expect(await session()).toMatchObject({ start: 1000, last: 1000, tail: iso(at(0)) });
      await store(register(60, 2000));
      await store(register(120, 2600));
      expect(await session()).toEqual({
        start: 1000,
        last: 2600,
        energy: 1600,
        flags: [],
        tail: iso(at(120)),
      });

      // Two readings in one message, the second below the first; then one below the session's last.
      await store(register(150, 2700), register(160, 2650));
      expect(await session()).toMatchObject({
        last: 2650,
        flags: ['decreasing_register'],
        tail: iso(at(160)),
      });
      await store(register(180, 2800));
      await store(register(240, 2790));
      expect(await session()).toEqual({
        start: 1000,
        last: 2790,
        energy: 1790,
        flags: ['decreasing_register'],
        tail: iso(at(240)),
      });

      // The stored readings are not read again while messages extend the session: with the start's reading
      // changed behind the gateway's back, an extending message keeps the meter start, and a late one, which
      // recomputes the session in full, reads the changed reading.
      await db().query(
        `UPDATE meter_value_sets SET register_wh = 500
         WHERE session_id = $1 AND register_context = 'Transaction.Begin'`,
        [sessionId],
      );
      await store(register(300, 2900));
      expect(await session()).toMatchObject({ start: 1000, last: 2900, energy: 1900, tail: iso(at(300)) });
      await store(register(30, 1500));
      expect(await session()).toMatchObject({ start: 500, last: 2900, energy: 2400, tail: iso(at(300)) });

      // A Transaction.End reading ends the extending: it stays the last reading when later ones follow.
      await store(register(360, 3000, 'Transaction.End'));
      expect(await session()).toMatchObject({ last: 3000, energy: 2500, tail: null });
      await store(register(420, 3100));
      expect(await session()).toMatchObject({ last: 3000, energy: 2500, tail: null });
    });

    it('recognises a message stored before values became sets when it comes again', async () => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: 'sets-tag' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const startedAt = new Date(Date.now() - 60_000);
      const { transactionId } = (await client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'sets-tag',
        meterStart: 0,
        timestamp: iso(startedAt),
      })) as { transactionId: number };
      const sampledAt = iso(new Date(startedAt.getTime() + 30_000));
      const values = [
        { value: '250', measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic' },
        { value: '7400', measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
      ];
      const meter = {
        connectorId: 1,
        transactionId,
        meterValue: [{ timestamp: sampledAt, sampledValue: values }],
      };
      await client.call('MeterValues', meter);
      const periodic = async () =>
        (
          await db().query(
            `SELECT l.measurands, m.values::float8[] AS values, m.register_wh::float8 AS register
             FROM meter_value_sets m JOIN meter_value_layouts l ON l.digest = m.layout
               JOIN charging_sessions s ON s.id = m.session_id
             WHERE s.charge_point_id = $1 AND m.sampled_at = $2`,
            [cp.id, sampledAt],
          )
        ).map((r: object) => ({ ...r }));
      const stored = [
        {
          measurands: ['Energy.Active.Import.Register', 'Power.Active.Import'],
          values: [250, 7400],
          register: 250,
        },
      ];
      expect(await periodic()).toEqual(stored);

      // Back to one row per value, with the dedup keys the gateway stored then (the MD5 of each value's
      // key); forward again, which groups them into a set.
      const migration = new MeterValueSets1795381945667();
      const layouts = new MeterValueLayouts1795440000000();
      const runner = db().createQueryRunner();
      try {
        await layouts.down(runner);
        await migration.down(runner);
        for (const v of values) {
          const [, updated] = await runner.query(
            `UPDATE meter_values m SET dedup_key = md5($2)::uuid FROM charging_sessions s
             WHERE s.id = m.session_id AND s.charge_point_id = $1 AND m.measurand = $3 AND m.sampled_at = $4`,
            [
              cp.id,
              `${transactionId}|1|1|${sampledAt}|${v.measurand}|||Sample.Periodic`,
              v.measurand,
              sampledAt,
            ],
          );
          expect(updated).toBe(1);
        }
        await migration.up(runner);
        await layouts.up(runner);
      } finally {
        await runner.release();
      }
      expect(await periodic()).toEqual(stored);
      await client.call('MeterValues', meter);
      expect(await periodic()).toEqual(stored);
      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(body.data[0]).toMatchObject({ meter_start_wh: 0, last_meter_wh: 250, energy_wh: 250 });
    });

    it('stores every frame of the message log byte for byte, malformed ones included', async () => {
      const cp = await aChargePoint(api, owner.token);
      const log = gateway.app.get(MessageLogService);
      const read = async () =>
        (
          await db().query(`SELECT frame FROM ocpp_messages WHERE charge_point_id = $1 ORDER BY id`, [cp.id])
        ).map((r: { frame: string }) => r.frame);
      const wellFormed = [
        '[2,"a1","DataTransfer",{"vendorId":"Acme","data":"say \\"hi\\", back\\\\slash, {braces}, ⚡ 充电"}]',
        '[3,"a1",{"status":"Accepted","data":"NULL"}]',
        '[2,"a2","Heartbeat",{}]',
      ];
      for (const frame of wellFormed) log.record(cp.id, 'in', frame, new CallsInFlight());
      await log.flush();
      expect(await read()).toEqual(wellFormed);

      // A separator character or an empty frame sends the batch the other way; nothing is lost or changed.
      const malformed = ['not json \x1e with a "record separator"', '', '[2,"a3","Heartbeat",{}]'];
      for (const frame of malformed) log.record(cp.id, 'in', frame, new CallsInFlight());
      await log.flush();
      expect(await read()).toEqual([...wellFormed, ...malformed]);
    });

    it('keeps the message log bounded per charger', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      for (let i = 0; i < MESSAGE_LOG_LIMIT / 2 + 40; i++) await client.call('Heartbeat', {});
      const log = gateway.app.get(MessageLogService);
      await log.flush();
      await log.flush();
      const res = await get(`/api/v1/charge-points/${cp.id}/messages?limit=5`);
      expect(res.body.total).toBeLessThanOrEqual(MESSAGE_LOG_LIMIT + 50);
      expect(res.body.total).toBeGreaterThanOrEqual(MESSAGE_LOG_LIMIT - 1);
      expect(res.body.data[0]).toMatchObject({ direction: 'out', action: 'Heartbeat', message_type: 3 });
    });

    it('answers a StopTransaction for an unknown transaction and records it for review', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const stop = { transactionId: 987654, meterStop: 10, timestamp: iso(new Date()) };
      expect(await client.call('StopTransaction', stop)).toEqual({});
      expect(await client.call('StopTransaction', stop)).toEqual({});
      const sessions = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(sessions.body.total).toBe(1);
      expect(sessions.body.data[0]).toMatchObject({
        status: 'completed',
        transaction_id: 'unknown:987654',
        flags: ['unknown_transaction'],
      });
    });

    it('flags a meter stop below the meter start and a charger clock off by more than five minutes', async () => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: 'skewed-tag' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const at = new Date(Date.now() - 10 * 60_000);
      const { transactionId } = (await client.call('StartTransaction', {
        connectorId: 2,
        idTag: 'skewed-tag',
        meterStart: 5000,
        timestamp: iso(at),
      })) as { transactionId: number };
      await client.call('StopTransaction', { transactionId, meterStop: 4000, timestamp: iso(new Date()) });
      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(body.data[0]).toMatchObject({ energy_wh: 0, meter_start_wh: 5000, meter_stop_wh: 4000 });
      expect(body.data[0].flags).toEqual(
        expect.arrayContaining(['clock_skew', 'decreasing_register', 'meter_stop_below_start']),
      );
    });

    it("answers Invalid for another organization's id tag", async () => {
      const stranger = await signUp(api);
      await api
        .http()
        .post('/api/v1/id-tags')
        .set(bearer(stranger.token))
        .send({ value: 'their-tag' })
        .expect(201);
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect(await client.call('Authorize', { idTag: 'their-tag' })).toEqual({
        idTagInfo: { status: 'Invalid' },
      });
    });

    it('closes a session whose stop was lost when the next transaction starts on the same connector', async () => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: 'lost-stop' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      const t0 = Date.now();
      const first = (await client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'lost-stop',
        meterStart: 0,
        timestamp: iso(new Date(t0 - 60_000)),
      })) as { transactionId: number };
      const second = (await client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'lost-stop',
        meterStart: 500,
        timestamp: iso(new Date(t0)),
      })) as { transactionId: number; idTagInfo: object };
      expect(second.idTagInfo).toEqual({ status: 'Accepted' });
      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      const byTx = new Map(body.data.map((x: { transaction_id: string }) => [x.transaction_id, x]));
      expect(byTx.get(String(first.transactionId))).toMatchObject({
        status: 'completed',
        flags: ['superseded'],
      });
      expect(byTx.get(String(second.transactionId))).toMatchObject({ status: 'active', flags: [] });
    });

    it('answers Blocked and Expired id tags', async () => {
      const cp = await aChargePoint(api, owner.token);
      await post('/api/v1/id-tags', { value: 'blocked-1', status: 'blocked' });
      await post('/api/v1/id-tags', { value: 'expired-1', expires_at: '2020-01-01T00:00:00Z' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect(await client.call('Authorize', { idTag: 'blocked-1' })).toEqual({
        idTagInfo: { status: 'Blocked' },
      });
      expect(await client.call('Authorize', { idTag: 'expired-1' })).toMatchObject({
        idTagInfo: { status: 'Expired' },
      });
    });

    it('answers StopTransactions of several chargers arriving together each with its own session and id tag', async () => {
      await post('/api/v1/id-tags', { value: 'stop-ok' });
      await post('/api/v1/id-tags', { value: 'stop-blocked', status: 'blocked' });
      const tags = ['stop-ok', 'stop-blocked', 'stop-unknown', null, 'STOP-OK'];
      const chargers = await connectedChargers(tags.length);
      const started = await Promise.all(
        chargers.map(
          ({ client }, i) =>
            client.call('StartTransaction', {
              connectorId: 1,
              idTag: 'stop-ok',
              meterStart: 1000 * i,
              timestamp: iso(new Date()),
            }) as Promise<{ transactionId: number }>,
        ),
      );
      const answers = await Promise.all(
        chargers.map(({ client }, i) =>
          client.call('StopTransaction', {
            transactionId: started[i].transactionId,
            meterStop: 1000 * i + 500 + i,
            timestamp: iso(new Date()),
            ...(tags[i] ? { idTag: tags[i] } : {}),
          }),
        ),
      );
      expect(answers).toEqual([
        { idTagInfo: { status: 'Accepted' } },
        { idTagInfo: { status: 'Blocked' } },
        { idTagInfo: { status: 'Invalid' } },
        {},
        { idTagInfo: { status: 'Accepted' } },
      ]);
      const sessions: Array<{ charge_point_id: string; status: string; meter_stop_wh: string }> =
        await db().query(
          `SELECT charge_point_id, status, meter_stop_wh FROM charging_sessions WHERE charge_point_id = ANY($1)`,
          [chargers.map(({ cp }) => cp.id)],
        );
      expect(chargers.map(({ cp }) => sessions.find((s) => s.charge_point_id === cp.id))).toEqual(
        chargers.map((_, i) =>
          expect.objectContaining({ status: 'completed', meter_stop_wh: `${1000 * i + 500 + i}.000` }),
        ),
      );
    });

    it('answers StartTransactions of several chargers arriving together as if one after the other', async () => {
      for (const value of ['together-a', 'together-b', 'together-c'])
        await post('/api/v1/id-tags', { value });
      const chargers = await connectedChargers(5);
      // The last charger lost the stop of its previous transaction: the new one supersedes it.
      const lost = (await chargers[4].client.call('StartTransaction', {
        connectorId: 1,
        idTag: 'together-c',
        meterStart: 0,
        timestamp: iso(new Date(Date.now() - 60_000)),
      })) as { transactionId: number };
      // Two of them start with one id tag (written differently): one of them is ConcurrentTx.
      const tags = ['together-a', 'together-b', 'TOGETHER-A', 'nobody-knows', 'together-c'];
      const answers = (await Promise.all(
        chargers.map(({ client }, i) =>
          client.call('StartTransaction', {
            connectorId: 1,
            idTag: tags[i],
            meterStart: 100 * i,
            timestamp: iso(new Date()),
          }),
        ),
      )) as Array<{ transactionId: number; idTagInfo: { status: string } }>;
      const statuses = answers.map((a) => a.idTagInfo.status);
      expect([statuses[0], statuses[2]].sort()).toEqual(['Accepted', 'ConcurrentTx']);
      expect([statuses[1], statuses[3], statuses[4]]).toEqual(['Accepted', 'Invalid', 'Accepted']);
      expect(new Set([lost, ...answers].map((a) => a.transactionId)).size).toBe(6);

      const sessions: Array<{
        charge_point_id: string;
        transaction_id: string;
        status: string;
        flags: string[];
        id_tag: string;
        meter_start_wh: string;
        begin_wh: string | null;
      }> = await db().query(
        `SELECT s.charge_point_id, s.transaction_id, s.status, s.flags, s.id_tag, s.meter_start_wh,
           (SELECT m.register_wh FROM meter_value_sets m
             WHERE m.session_id = s.id AND m.register_context = 'Transaction.Begin') AS begin_wh
         FROM charging_sessions s WHERE s.charge_point_id = ANY($1)`,
        [chargers.map(({ cp }) => cp.id)],
      );
      expect(sessions).toHaveLength(6);
      chargers.forEach(({ cp }, i) => {
        expect(sessions.find((s) => s.transaction_id === String(answers[i].transactionId))).toMatchObject({
          charge_point_id: cp.id,
          status: 'active',
          flags: [],
          id_tag: tags[i],
          meter_start_wh: `${100 * i}.000`,
          begin_wh: `${100 * i}.000000`,
        });
      });
      expect(sessions.find((s) => s.transaction_id === String(lost.transactionId))).toMatchObject({
        charge_point_id: chargers[4].cp.id,
        status: 'completed',
        flags: ['superseded'],
      });
    });

    it('stores DataTransfer, diagnostics and firmware status reports', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect(
        await client.call('DataTransfer', { vendorId: 'com.acme', messageId: 'hello', data: '42' }),
      ).toEqual({
        status: 'UnknownVendorId',
      });
      expect(await client.call('DiagnosticsStatusNotification', { status: 'Uploaded' })).toEqual({});
      expect(await client.call('FirmwareStatusNotification', { status: 'Installed' })).toEqual({});
      const rows = await db().query(
        `SELECT kind, payload FROM charge_point_events WHERE charge_point_id = $1 ORDER BY id`,
        [cp.id],
      );
      expect(rows).toEqual([
        { kind: 'DataTransfer', payload: { vendorId: 'com.acme', messageId: 'hello', data: '42' } },
        { kind: 'DiagnosticsStatusNotification', payload: { status: 'Uploaded' } },
        { kind: 'FirmwareStatusNotification', payload: { status: 'Installed' } },
      ]);
    });

    it('answers Pending to a charger the operator has not accepted yet', async () => {
      const cp = await aChargePoint(api, owner.token, { registration_status: 'pending' });
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect(
        await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' }),
      ).toMatchObject({ status: 'Pending', interval: 60 });
    });
  });

  describe('OCPP 2.0.1', () => {
    const boot = {
      chargingStation: { vendorName: 'Acme', model: 'Volt 2', serialNumber: 'S-2', firmwareVersion: '2.0' },
      reason: 'PowerUp',
    };

    /** A new charge point connected over OCPP 2.0.1 and booted (Accepted). */
    async function bootedCharger201() {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect201(cp);
      await client.call('BootNotification', boot);
      return { cp, client };
    }

    /** A 2.0.1 meterValue entry: one billing-register reading in Wh. */
    const registerReading = (wh: number, context: string, when: Date) => ({
      timestamp: iso(when),
      sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', context }],
    });

    it('refuses anything but BootNotification with SecurityError until the charger is accepted', async () => {
      const cp = await aChargePoint(api, owner.token, { registration_status: 'pending' });
      const client = await connect201(cp);
      expect(await callError(client.call('Heartbeat', {}))).toBe('SecurityError');
      expect(await client.call('BootNotification', boot)).toMatchObject({ status: 'Pending', interval: 60 });
      expect(await callError(client.call('Heartbeat', {}))).toBe('SecurityError');
      expect(
        (await patch(`/api/v1/charge-points/${cp.id}`, { registration_status: 'accepted' })).status,
      ).toBe(200);
      expect(await client.call('BootNotification', boot)).toMatchObject({
        status: 'Accepted',
        interval: 300,
      });
      expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');
    });

    it('boots, reports status, authorizes and runs a transaction; events count once per seqNo and late offline events apply in order', async () => {
      const cp = await aChargePoint(api, owner.token, { ocpp_version: '2.0.1' });
      await post('/api/v1/id-tags', { value: 'TOKEN-201', type: 'rfid' });
      const client = await connect201(cp);
      expect(await client.call('BootNotification', boot)).toMatchObject({ status: 'Accepted' });
      const t0 = new Date();
      await client.call('StatusNotification', {
        timestamp: iso(t0),
        connectorStatus: 'Occupied',
        evseId: 1,
        connectorId: 1,
      });
      expect(await client.call('Authorize', { idToken: { idToken: 'token-201', type: 'ISO14443' } })).toEqual(
        {
          idTokenInfo: { status: 'Accepted' },
        },
      );

      const tx = 'tx-201-a';
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
      const started = {
        eventType: 'Started',
        timestamp: iso(t0),
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: tx, remoteStartId: 42 },
        idToken: { idToken: 'TOKEN-201', type: 'ISO14443' },
        evse: { id: 1, connectorId: 1 },
        meterValue: energy(10, 'Transaction.Begin', t0),
      };
      expect(await client.call('TransactionEvent', started)).toEqual({ idTokenInfo: { status: 'Accepted' } });
      expect(await client.call('TransactionEvent', started)).toEqual({ idTokenInfo: { status: 'Accepted' } });

      const ended = {
        eventType: 'Ended',
        timestamp: iso(new Date(t0.getTime() + 300_000)),
        triggerReason: 'EVCommunicationLost',
        seqNo: 2,
        transactionInfo: { transactionId: tx, stoppedReason: 'EVDisconnected' },
        meterValue: [
          {
            timestamp: iso(new Date(t0.getTime() + 300_000)),
            sampledValue: [
              {
                value: 125,
                context: 'Transaction.End',
                measurand: 'Energy.Active.Import.Register',
                unitOfMeasure: { unit: 'Wh', multiplier: 2 },
              },
            ],
          },
        ],
      };
      expect(await client.call('TransactionEvent', ended)).toEqual({});
      const lateUpdate = {
        eventType: 'Updated',
        timestamp: iso(new Date(t0.getTime() + 120_000)),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 1,
        offline: true,
        transactionInfo: { transactionId: tx, chargingState: 'Charging' },
        meterValue: energy(11.5, 'Sample.Periodic', new Date(t0.getTime() + 120_000)),
      };
      expect(await client.call('TransactionEvent', lateUpdate)).toEqual({});
      expect(await client.call('TransactionEvent', lateUpdate)).toEqual({});

      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(body.total).toBe(1);
      expect(body.data[0]).toMatchObject({
        ocpp_version: '2.0.1',
        transaction_id: tx,
        evse_id: 1,
        connector_id: 1,
        id_tag: 'TOKEN-201',
        remote_start_id: 42,
        status: 'completed',
        meter_start_wh: 10000,
        meter_stop_wh: 12500,
        energy_wh: 2500,
        stop_reason: 'EVDisconnected',
      });
      expect(body.data[0].flags).not.toContain('decreasing_register');
      const events = await db().query(
        `SELECT seq_no FROM transaction_events WHERE transaction_id = $1 ORDER BY seq_no`,
        [tx],
      );
      expect(events.map((e: { seq_no: number }) => e.seq_no)).toEqual([0, 1, 2]);
      const [{ count }] = await db().query(
        `SELECT coalesce(sum(cardinality(values)), 0)::int AS count FROM meter_value_sets
         WHERE session_id = $1`,
        [body.data[0].id],
      );
      expect(count).toBe(3);

      const status = await get(`/api/v1/charge-points/${cp.id}/status`);
      expect(status.body.evses).toEqual([
        { evse_id: 1, connectors: [expect.objectContaining({ connector_id: 1, status: 'Occupied' })] },
      ]);
    });

    it('answers the Updated events of several chargers arriving together as if one after the other', async () => {
      const t0 = Date.now() - 60_000;
      const chargers = await Promise.all([0, 1, 2, 3, 4].map(() => bootedCharger201()));
      const update = (tx: string, seqNo: number, at: number, more: object = {}) => ({
        eventType: 'Updated',
        timestamp: iso(new Date(at)),
        triggerReason: 'MeterValuePeriodic',
        seqNo,
        transactionInfo: { transactionId: tx },
        ...more,
      });
      // Four transactions started (the last charger's is not: its first event is an Updated one); the
      // second has seen seqNo 5, the third seqNo 1.
      await Promise.all(
        chargers.slice(0, 4).map(({ client }, i) =>
          client.call('TransactionEvent', {
            eventType: 'Started',
            timestamp: iso(new Date(t0)),
            triggerReason: 'CablePluggedIn',
            seqNo: 0,
            transactionInfo: { transactionId: `tx-together-${i}` },
            ...(i === 0 ? {} : { evse: { id: 1, connectorId: 1 } }),
          }),
        ),
      );
      await chargers[1].client.call('TransactionEvent', update('tx-together-1', 5, t0 + 5_000));
      await chargers[2].client.call('TransactionEvent', update('tx-together-2', 1, t0 + 1_000));
      const answers = await Promise.all([
        // The EVSE, unknown until now, comes with a reading.
        chargers[0].client.call(
          'TransactionEvent',
          update('tx-together-0', 1, t0 + 10_000, {
            evse: { id: 2, connectorId: 1 },
            meterValue: [registerReading(500, 'Sample.Periodic', new Date(t0 + 10_000))],
          }),
        ),
        // Late: an offline event taken before the one already seen.
        chargers[1].client.call(
          'TransactionEvent',
          update('tx-together-1', 3, t0 + 3_000, { offline: true }),
        ),
        // Seen before (seqNo 1): nothing changes.
        chargers[2].client.call('TransactionEvent', update('tx-together-2', 1, t0 + 40_000)),
        // The charger's clock is ten minutes ahead.
        chargers[3].client.call('TransactionEvent', update('tx-together-3', 1, Date.now() + 600_000)),
        // No session yet: created by the event.
        chargers[4].client.call(
          'TransactionEvent',
          update('tx-together-4', 7, t0 + 7_000, { evse: { id: 1 } }),
        ),
      ]);
      expect(answers).toEqual([{}, {}, {}, {}, {}]);
      const sessions: Array<Record<string, unknown>> = await db().query(
        `SELECT s.transaction_id, s.evse_number, s.connector_number, s.last_seq_no, s.flags, s.status,
           s.last_meter_wh::float8 AS last_meter_wh,
           (SELECT array_agg(e.seq_no ORDER BY e.seq_no) FROM transaction_events e
            WHERE e.charge_point_id = s.charge_point_id AND e.transaction_id = s.transaction_id) AS events
         FROM charging_sessions s WHERE s.transaction_id LIKE 'tx-together-%' ORDER BY s.transaction_id`,
      );
      expect(sessions).toEqual([
        {
          transaction_id: 'tx-together-0',
          evse_number: 2,
          connector_number: 1,
          last_seq_no: 1,
          flags: [],
          status: 'active',
          last_meter_wh: 500,
          events: [0, 1],
        },
        expect.objectContaining({
          transaction_id: 'tx-together-1',
          last_seq_no: 5,
          flags: ['late_offline_events'],
          events: [0, 3, 5],
        }),
        expect.objectContaining({
          transaction_id: 'tx-together-2',
          last_seq_no: 1,
          flags: [],
          events: [0, 1],
        }),
        expect.objectContaining({
          transaction_id: 'tx-together-3',
          last_seq_no: 1,
          flags: ['clock_skew'],
          events: [0, 1],
        }),
        expect.objectContaining({
          transaction_id: 'tx-together-4',
          evse_number: 1,
          last_seq_no: 7,
          status: 'active',
          events: [7],
        }),
      ]);
    });

    it('creates the session when the first event seen for a transaction is an Updated one', async () => {
      const { cp, client } = await bootedCharger201();
      await client.call('TransactionEvent', {
        eventType: 'Updated',
        timestamp: iso(new Date()),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 5,
        transactionInfo: { transactionId: 'tx-orphan' },
        evse: { id: 2 },
      });
      const { body } = await get(`/api/v1/sessions?charge_point_id=${cp.id}`);
      expect(body.data).toEqual([
        expect.objectContaining({ transaction_id: 'tx-orphan', status: 'active', evse_id: 2 }),
      ]);
    });

    it('stores the readings of an Updated event sent again even when the event itself was stored', async () => {
      const { cp, client } = await bootedCharger201();
      const at = new Date();
      await client.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: iso(new Date(at.getTime() - 60_000)),
        triggerReason: 'CablePluggedIn',
        seqNo: 0,
        transactionInfo: { transactionId: 'tx-resent' },
        evse: { id: 1, connectorId: 1 },
        meterValue: [registerReading(1000, 'Transaction.Begin', new Date(at.getTime() - 60_000))],
      });
      const updated = {
        eventType: 'Updated',
        timestamp: iso(at),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 1,
        transactionInfo: { transactionId: 'tx-resent' },
        meterValue: [registerReading(1800, 'Sample.Periodic', at)],
      };
      await client.call('TransactionEvent', updated);
      const energy = async () =>
        (
          await db().query(
            `SELECT s.energy_wh, (SELECT count(*)::int FROM meter_value_sets m WHERE m.session_id = s.id) AS sets
             FROM charging_sessions s WHERE s.charge_point_id = $1 AND s.transaction_id = 'tx-resent'`,
            [cp.id],
          )
        )[0];
      expect(await energy()).toEqual({ energy_wh: '800.000', sets: 2 });
      // The event was stored, its readings were not (as after a failure between the two writes): the
      // charger, with no answer, sends the event again.
      await db().query(
        `DELETE FROM meter_value_sets WHERE charge_point_id = $1 AND register_context = 'Sample.Periodic'`,
        [cp.id],
      );
      await db().query(
        `UPDATE charging_sessions SET energy_wh = 0, last_meter_wh = 1000
         WHERE charge_point_id = $1 AND transaction_id = 'tx-resent'`,
        [cp.id],
      );
      await client.call('TransactionEvent', updated);
      expect(await energy()).toEqual({ energy_wh: '800.000', sets: 2 });
      // Sent once more, with everything stored: nothing is stored twice.
      await client.call('TransactionEvent', updated);
      expect(await energy()).toEqual({ energy_wh: '800.000', sets: 2 });
      const events = await db().query(
        `SELECT seq_no FROM transaction_events WHERE charge_point_id = $1 ORDER BY seq_no`,
        [cp.id],
      );
      expect(events).toEqual([{ seq_no: 0 }, { seq_no: 1 }]);
    });

    it('stores NotifyReport, NotifyEvent and security events', async () => {
      const { cp, client } = await bootedCharger201();
      const at = iso(new Date());
      await client.call('NotifyReport', { requestId: 1, generatedAt: at, seqNo: 0, tbc: false });
      await client.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: at });
      await client.call('FirmwareStatusNotification', { status: 'Installed' });
      await client.call('NotifyEvent', {
        generatedAt: at,
        seqNo: 0,
        eventData: [
          {
            eventId: 1,
            timestamp: at,
            trigger: 'Delta',
            actualValue: 'true',
            eventNotificationType: 'HardWiredNotification',
            component: { name: 'Door' },
            variable: { name: 'Open' },
          },
        ],
      });
      const kinds = await db().query(
        `SELECT kind FROM charge_point_events WHERE charge_point_id = $1 ORDER BY id`,
        [cp.id],
      );
      expect(kinds.map((k: { kind: string }) => k.kind)).toEqual([
        'NotifyReport',
        'SecurityEventNotification',
        'FirmwareStatusNotification',
        'NotifyEvent',
      ]);
      const reports = await get(`/api/v1/charge-points/${cp.id}/events?kind=NotifyReport`);
      expect(reports.body).toMatchObject({
        total: 1,
        data: [{ kind: 'NotifyReport', payload: { requestId: 1 } }],
      });
      expect((await get(`/api/v1/charge-points/${cp.id}/events?kind=no%20such`)).status).toBe(400);
    });
  });

  describe('bad input', () => {
    it('answers schema-invalid 1.6 payloads with the matching CALLERROR and keeps the connection up', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect({ port: gateway.port, identity: cp.id, password: cp.password });
      expect(await callError(client.call('BootNotification', { chargePointVendor: 'Acme' }))).toBe(
        'OccurrenceConstraintViolation',
      );
      expect(
        await callError(
          client.call('StatusNotification', {
            connectorId: 'one',
            errorCode: 'NoError',
            status: 'Available',
          }),
        ),
      ).toBe('TypeConstraintViolation');
      expect(
        await callError(
          client.call('BootNotification', { chargePointVendor: 'A'.repeat(21), chargePointModel: 'X' }),
        ),
      ).toBe('FormationViolation');
      expect(await callError(client.call('Heartbeat', { extra: true }))).toBe('PropertyConstraintViolation');
      expect(await callError(client.call('MakeCoffee', {}))).toBe('NotImplemented');
      expect(client.state).toBe(RPCClient.OPEN);
      expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');
    });

    it('answers schema-invalid 2.0.1 payloads with the matching CALLERROR and keeps the connection up', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = await connect201(cp);
      // OCPP-J 2.0.1 spells it with two r's (ocpp-rpc sends the old 1.6 spelling; the gateway corrects it).
      expect(await callError(client.call('BootNotification', { reason: 'PowerUp' }))).toBe(
        'OccurrenceConstraintViolation',
      );
      expect(
        await callError(
          client.call('BootNotification', {
            reason: 'PowerUp',
            chargingStation: { model: 1, vendorName: 'A' },
          }),
        ),
      ).toBe('TypeConstraintViolation');
      expect(await callError(client.call('Unknown', {}))).toBe('NotImplemented');
      expect(await client.call('BootNotification', boot201())).toMatchObject({ status: 'Accepted' });
    });

    it('answers concurrent StartTransaction retries with one transaction id, never a second session', async () => {
      const cp = await aChargePoint(api, owner.token);
      const client = charger({ port: gateway.port, identity: cp.id, password: cp.password });
      await client.connect();
      open.push(client);
      const start = { connectorId: 1, idTag: 'anyone', meterStart: 0, timestamp: iso(new Date()) };
      const results = await Promise.all([1, 2, 3].map(() => client.call('StartTransaction', start)));
      const ids = new Set(results.map((r) => (r as { transactionId: number }).transactionId));
      expect(ids.size).toBe(1);
      expect((await get(`/api/v1/sessions?charge_point_id=${cp.id}`)).body.total).toBe(1);
    });
  });
});

function boot201() {
  return { chargingStation: { vendorName: 'Acme', model: 'Volt 2' }, reason: 'PowerUp' };
}
