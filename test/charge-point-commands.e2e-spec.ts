import { RPCClient } from 'ocpp-rpc';
import { aChargePoint, connectCharger, eventually, handshakeStatus } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { SignedUp, bearer, signUp } from './support/session';

/** The charge point resource driving the command path: sessions, passwords, registration. */
describe('charge points through the command path', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  const open: RPCClient[] = [];

  const post = (path: string, body: object) => api.http().post(path).set(bearer(owner.token)).send(body);
  /** Answers every CALL from the CSMS as a cooperative charger would, and keeps what it received. */
  const record = (client: RPCClient) => {
    const calls: Array<{ method: string; params: any }> = [];
    client.handle(async ({ method, params }): Promise<any> => {
      calls.push({ method: method!, params });
      if (method === 'SetVariables') {
        return {
          setVariableResult: (params as any).setVariableData.map((v: any) => ({
            attributeStatus: 'Accepted',
            component: v.component,
            variable: v.variable,
          })),
        };
      }
      return { status: 'Accepted' };
    });
    return calls;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    gateway = await startGateway(stack);
    owner = await signUp(api);
    await post('/api/v1/id-tags', { value: 'TAG-REMOTE-1', type: 'rfid' }).expect(201);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close({ force: true }).catch(() => undefined)));
  });
  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  it('stops a 1.6 session by its sess_ id: the charger gets RemoteStopTransaction with its integer transactionId', async () => {
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp1.6',
    });
    open.push(client);
    const calls = record(client);
    await client.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const start: any = await client.call('StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-REMOTE-1',
      meterStart: 1000,
      timestamp: new Date().toISOString(),
    });
    const sessions = await api
      .http()
      .get(`/api/v1/sessions?charge_point_id=${cp.id}`)
      .set(bearer(owner.token));
    const sessionId: string = sessions.body.data[0].session_id ?? sessions.body.data[0].id;
    expect(sessionId).toMatch(/^sess_/);

    const res = await post(`/api/v1/charge-points/${cp.id}/actions/remote-stop`, { session_id: sessionId });
    expect(res.status).toBe(200);
    expect(calls).toContainEqual({
      method: 'RemoteStopTransaction',
      params: { transactionId: start.transactionId },
    });
  });

  it('stops a 2.0.1 session by its sess_ id: the charger gets RequestStopTransaction with its own transactionId', async () => {
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '2.0.1' });
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp2.0.1',
    });
    open.push(client);
    const calls = record(client);
    await client.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { model: 'M', vendorName: 'V' },
    });
    await client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'tx-201-abc' },
      idToken: { idToken: 'TAG-REMOTE-1', type: 'ISO14443' },
      evse: { id: 1, connectorId: 1 },
    });
    const sessions = await api
      .http()
      .get(`/api/v1/sessions?charge_point_id=${cp.id}`)
      .set(bearer(owner.token));
    const sessionId: string = sessions.body.data[0].session_id ?? sessions.body.data[0].id;

    const res = await post(`/api/v1/charge-points/${cp.id}/actions/remote-stop`, { session_id: sessionId });
    expect(res.status).toBe(200);
    expect(calls).toContainEqual({
      method: 'RequestStopTransaction',
      params: { transactionId: 'tx-201-abc' },
    });
  });

  it('pushes a rotated password to a connected 1.6 charger as AuthorizationKey in hex, and both passwords work until it reconnects', async () => {
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp1.6',
    });
    open.push(client);
    const calls = record(client);
    const newPassword = 'rotated-password-0123456789';
    const res = await post(`/api/v1/charge-points/${cp.id}/password`, { password: newPassword });
    expect(res.status).toBeLessThan(300);
    expect(res.body.push_requested).toBe(true);
    const pushed = await eventually(
      async () => calls.find((c) => c.method === 'ChangeConfiguration'),
      (c) => Boolean(c),
    );
    expect(pushed?.params).toEqual({
      key: 'AuthorizationKey',
      value: Buffer.from(newPassword).toString('hex'),
    });
    expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(
      'connected',
    );
    expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: newPassword })).toBe(
      'connected',
    );
    // once the charger has used the new password, the old one is refused
    expect(await handshakeStatus({ port: gateway.port, identity: cp.id, password: cp.password })).toBe(401);
  });

  it('pushes a rotated password to a connected 2.0.1 charger as SecurityCtrlr.BasicAuthPassword', async () => {
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '2.0.1' });
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp2.0.1',
    });
    open.push(client);
    const calls = record(client);
    const res = await post(`/api/v1/charge-points/${cp.id}/password`, {});
    const generated: string = res.body.password;
    expect(generated).toMatch(/^[0-9a-f]{40}$/);
    const pushed = await eventually(
      async () => calls.find((c) => c.method === 'SetVariables'),
      (c) => Boolean(c),
    );
    expect(pushed?.params.setVariableData).toEqual([
      {
        attributeValue: generated,
        component: { name: 'SecurityCtrlr' },
        variable: { name: 'BasicAuthPassword' },
      },
    ]);
    const commands = await api.http().get(`/api/v1/charge-points/${cp.id}/commands`).set(bearer(owner.token));
    expect(JSON.stringify(commands.body)).not.toContain(generated);
  });

  it('sends TriggerMessage(BootNotification) when a pending charger is accepted through the api', async () => {
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6', registration_status: 'pending' });
    const client = await connectCharger({
      port: gateway.port,
      identity: cp.id,
      password: cp.password,
      protocol: 'ocpp1.6',
    });
    open.push(client);
    const calls = record(client);
    const boot: any = await client.call('BootNotification', {
      chargePointVendor: 'V',
      chargePointModel: 'M',
    });
    expect(boot.status).toBe('Pending');

    const res = await api
      .http()
      .patch(`/api/v1/charge-points/${cp.id}`)
      .set(bearer(owner.token))
      .send({ registration_status: 'accepted' });
    expect(res.status).toBe(200);
    const trigger = await eventually(
      async () => calls.find((c) => c.method === 'TriggerMessage'),
      (c) => Boolean(c),
    );
    expect(trigger?.params).toEqual({ requestedMessage: 'BootNotification' });
    const again: any = await client.call('BootNotification', {
      chargePointVendor: 'V',
      chargePointModel: 'M',
    });
    expect(again.status).toBe('Accepted');
  });
});
