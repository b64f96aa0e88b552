import { randomBytes } from 'node:crypto';
import { createRPCError } from 'ocpp-rpc';
import { DataSource } from 'typeorm';
import { newId } from '@csms/common';
import { Command } from '@csms/domain';
import { CommandProducer, ConnectionRegistry, gatewayNodeQueue } from '@csms/queues';
import { CommandsMaintenanceService } from '../apps/api/src/commands/commands-maintenance.service';
import { CommandsService } from '../apps/api/src/commands/commands.service';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { seedMember } from './support/members';
import { OcppProtocol, TestCharger, aChargePoint, eventually } from './support/ocpp-charger';
import { SignedUp, bearer, createApiKey, signUp } from './support/session';

const WAIT_MS = 2500;

describe('remote commands: api → BullMQ → gateway → charger', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gatewayA: RunningApp;
  let owner: SignedUp;
  let db: DataSource;
  const chargers: TestCharger[] = [];
  const nodeA = `gw-a-${randomBytes(2).toString('hex')}`;

  const uniqueCp = (label: string) => `cp_${label}_${randomBytes(3).toString('hex')}`;

  async function connectedCharger(
    protocol: OcppProtocol,
    gateway = gatewayA,
    label = protocol === 'ocpp1.6' ? 'v16' : 'v201',
  ): Promise<TestCharger> {
    const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp(label) });
    const charger = new TestCharger(gateway, cp.id, protocol);
    chargers.push(charger);
    await charger.connect();
    // Connected once registered in the node registry.
    await eventually(async () => {
      const row = await db.query(`SELECT connected_ocpp_version FROM charge_points WHERE id = $1`, [cp.id]);
      expect(row[0].connected_ocpp_version).toBe(protocol === 'ocpp1.6' ? '1.6' : '2.0.1');
    });
    return charger;
  }

  const send = (cpId: string, action: string, body: object, token = owner.token) =>
    api.http().post(`/api/v1/charge-points/${cpId}/actions/${action}`).set(bearer(token)).send(body);

  beforeAll(async () => {
    stack = await createTestStack({ COMMAND_SWEEP_INTERVAL_SECONDS: '0' });
    api = await startApi(stack, { COMMAND_WAIT_MS: String(WAIT_MS) });
    gatewayA = await startGateway(stack, { GATEWAY_NODE_ID: nodeA });
    owner = await signUp(api);
    db = api.app.get(DataSource);
  });

  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await gatewayA?.close();
    await api?.close();
    await stack?.dispose();
  });

  describe('each action reaches the charger in its OCPP version', () => {
    let v16: TestCharger;
    let v201: TestCharger;

    beforeAll(async () => {
      v16 = await connectedCharger('ocpp1.6');
      v201 = await connectedCharger('ocpp2.0.1');
    });

    const profile16 = {
      id: 1,
      stack_level: 0,
      purpose: 'charge_point_max',
      kind: 'absolute',
      schedule: { rate_unit: 'W', periods: [{ start_period: 0, limit: 11000 }] },
    };
    const profile201 = {
      id: 5,
      stack_level: 1,
      purpose: 'tx_default',
      kind: 'absolute',
      schedule: { rate_unit: 'A', periods: [{ start_period: 0, limit: 16 }] },
    };
    const ACCEPTED = { status: 'Accepted' };

    /** [action, version, body, OCPP message, exact payload the charger receives, the charger's answer] */
    const CASES: Array<[string, OcppProtocol, object, string, object, object]> = [
      [
        'remote-start',
        'ocpp1.6',
        { connector_id: 1, id_tag: 'TAG-16' },
        'RemoteStartTransaction',
        { connectorId: 1, idTag: 'TAG-16' },
        ACCEPTED,
      ],
      [
        'remote-stop',
        'ocpp1.6',
        { transaction_id: 42 },
        'RemoteStopTransaction',
        { transactionId: 42 },
        ACCEPTED,
      ],
      ['reset', 'ocpp1.6', { type: 'soft' }, 'Reset', { type: 'Soft' }, ACCEPTED],
      [
        'unlock',
        'ocpp1.6',
        { connector_id: 1 },
        'UnlockConnector',
        { connectorId: 1 },
        { status: 'Unlocked' },
      ],
      [
        'change-availability',
        'ocpp1.6',
        { availability: 'inoperative', connector_id: 2 },
        'ChangeAvailability',
        { connectorId: 2, type: 'Inoperative' },
        { status: 'Scheduled' },
      ],
      [
        'trigger-message',
        'ocpp1.6',
        { requested_message: 'Heartbeat' },
        'TriggerMessage',
        { requestedMessage: 'Heartbeat' },
        ACCEPTED,
      ],
      [
        'get-configuration',
        'ocpp1.6',
        { keys: ['HeartbeatInterval'] },
        'GetConfiguration',
        { key: ['HeartbeatInterval'] },
        { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] },
      ],
      [
        'change-configuration',
        'ocpp1.6',
        { key: 'HeartbeatInterval', value: '60' },
        'ChangeConfiguration',
        { key: 'HeartbeatInterval', value: '60' },
        ACCEPTED,
      ],
      [
        'data-transfer',
        'ocpp1.6',
        { vendor_id: 'com.acme', message_id: 'ping', data: 'hello' },
        'DataTransfer',
        { vendorId: 'com.acme', messageId: 'ping', data: 'hello' },
        { status: 'Accepted', data: 'pong' },
      ],
      [
        'set-charging-profile',
        'ocpp1.6',
        { connector_id: 0, charging_profile: profile16 },
        'SetChargingProfile',
        {
          connectorId: 0,
          csChargingProfiles: {
            chargingProfileId: 1,
            stackLevel: 0,
            chargingProfilePurpose: 'ChargePointMaxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: {
              chargingRateUnit: 'W',
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }],
            },
          },
        },
        ACCEPTED,
      ],
      ['clear-charging-profile', 'ocpp1.6', { id: 1 }, 'ClearChargingProfile', { id: 1 }, ACCEPTED],
      [
        'get-composite-schedule',
        'ocpp1.6',
        { connector_id: 1, duration: 3600 },
        'GetCompositeSchedule',
        { connectorId: 1, duration: 3600 },
        { status: 'Accepted', connectorId: 1 },
      ],
      [
        'update-firmware',
        'ocpp1.6',
        { location: 'https://fw.example.com/fw.bin', retrieve_at: '2030-01-01T00:00:00.000Z', retries: 2 },
        'UpdateFirmware',
        { location: 'https://fw.example.com/fw.bin', retrieveDate: '2030-01-01T00:00:00.000Z', retries: 2 },
        {},
      ],
      [
        'get-diagnostics',
        'ocpp1.6',
        { location: 'ftp://logs.example.com/upload' },
        'GetDiagnostics',
        { location: 'ftp://logs.example.com/upload' },
        { fileName: 'diag.zip' },
      ],
      ['clear-cache', 'ocpp1.6', {}, 'ClearCache', {}, ACCEPTED],
      [
        'send-local-list',
        'ocpp1.6',
        { version: 2, update_type: 'full', entries: [{ id_tag: 'TAG-1', status: 'accepted' }] },
        'SendLocalList',
        {
          listVersion: 2,
          updateType: 'Full',
          localAuthorizationList: [{ idTag: 'TAG-1', idTagInfo: { status: 'Accepted' } }],
        },
        ACCEPTED,
      ],
      ['get-local-list-version', 'ocpp1.6', {}, 'GetLocalListVersion', {}, { listVersion: 2 }],
      [
        'remote-start',
        'ocpp2.0.1',
        { evse_id: 1, id_tag: 'TOKEN-201', id_token_type: 'ISO14443', remote_start_id: 77 },
        'RequestStartTransaction',
        { evseId: 1, remoteStartId: 77, idToken: { idToken: 'TOKEN-201', type: 'ISO14443' } },
        ACCEPTED,
      ],
      [
        'remote-stop',
        'ocpp2.0.1',
        { transaction_id: 'tx-201' },
        'RequestStopTransaction',
        { transactionId: 'tx-201' },
        ACCEPTED,
      ],
      ['reset', 'ocpp2.0.1', { type: 'hard' }, 'Reset', { type: 'Immediate' }, ACCEPTED],
      [
        'unlock',
        'ocpp2.0.1',
        { evse_id: 1, connector_id: 1 },
        'UnlockConnector',
        { evseId: 1, connectorId: 1 },
        { status: 'Unlocked' },
      ],
      [
        'change-availability',
        'ocpp2.0.1',
        { availability: 'operative', evse_id: 1 },
        'ChangeAvailability',
        { operationalStatus: 'Operative', evse: { id: 1 } },
        ACCEPTED,
      ],
      [
        'trigger-message',
        'ocpp2.0.1',
        { requested_message: 'StatusNotification', evse_id: 1, connector_id: 1 },
        'TriggerMessage',
        { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
        ACCEPTED,
      ],
      [
        'get-variables',
        'ocpp2.0.1',
        { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] },
        'GetVariables',
        {
          getVariableData: [
            { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
          ],
        },
        {
          getVariableResult: [
            {
              attributeStatus: 'Accepted',
              component: { name: 'OCPPCommCtrlr' },
              variable: { name: 'HeartbeatInterval' },
              attributeValue: '300',
            },
          ],
        },
      ],
      [
        'set-variables',
        'ocpp2.0.1',
        { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' }] },
        'SetVariables',
        {
          setVariableData: [
            {
              component: { name: 'OCPPCommCtrlr' },
              variable: { name: 'HeartbeatInterval' },
              attributeValue: '60',
            },
          ],
        },
        {
          setVariableResult: [
            {
              attributeStatus: 'Accepted',
              component: { name: 'OCPPCommCtrlr' },
              variable: { name: 'HeartbeatInterval' },
            },
          ],
        },
      ],
      [
        'data-transfer',
        'ocpp2.0.1',
        { vendor_id: 'com.acme', data: { ping: true } },
        'DataTransfer',
        { vendorId: 'com.acme', data: { ping: true } },
        { status: 'Accepted', data: { pong: true } },
      ],
      [
        'set-charging-profile',
        'ocpp2.0.1',
        { evse_id: 1, charging_profile: profile201 },
        'SetChargingProfile',
        {
          evseId: 1,
          chargingProfile: {
            id: 5,
            stackLevel: 1,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: [
              { id: 5, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
            ],
          },
        },
        ACCEPTED,
      ],
      [
        'clear-charging-profile',
        'ocpp2.0.1',
        { purpose: 'tx_default' },
        'ClearChargingProfile',
        { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile' } },
        { status: 'Unknown' },
      ],
      [
        'get-composite-schedule',
        'ocpp2.0.1',
        { evse_id: 1, duration: 600, rate_unit: 'A' },
        'GetCompositeSchedule',
        { evseId: 1, duration: 600, chargingRateUnit: 'A' },
        ACCEPTED,
      ],
      [
        'update-firmware',
        'ocpp2.0.1',
        {
          location: 'https://fw.example.com/fw.bin',
          retrieve_at: '2030-01-01T00:00:00.000Z',
          request_id: 11,
        },
        'UpdateFirmware',
        {
          requestId: 11,
          firmware: {
            location: 'https://fw.example.com/fw.bin',
            retrieveDateTime: '2030-01-01T00:00:00.000Z',
          },
        },
        ACCEPTED,
      ],
      [
        'get-log',
        'ocpp2.0.1',
        { location: 'ftp://logs.example.com/upload', request_id: 12 },
        'GetLog',
        {
          logType: 'DiagnosticsLog',
          requestId: 12,
          log: { remoteLocation: 'ftp://logs.example.com/upload' },
        },
        { status: 'Accepted', filename: 'log.zip' },
      ],
      ['clear-cache', 'ocpp2.0.1', {}, 'ClearCache', {}, ACCEPTED],
      [
        'send-local-list',
        'ocpp2.0.1',
        { version: 4, update_type: 'differential', entries: [{ id_tag: 'TAG-9', status: 'blocked' }] },
        'SendLocalList',
        {
          versionNumber: 4,
          updateType: 'Differential',
          localAuthorizationList: [
            { idToken: { idToken: 'TAG-9', type: 'Central' }, idTokenInfo: { status: 'Blocked' } },
          ],
        },
        ACCEPTED,
      ],
      ['get-local-list-version', 'ocpp2.0.1', {}, 'GetLocalListVersion', {}, { versionNumber: 4 }],
      [
        'get-base-report',
        'ocpp2.0.1',
        { report_base: 'full_inventory', request_id: 13 },
        'GetBaseReport',
        { requestId: 13, reportBase: 'FullInventory' },
        ACCEPTED,
      ],
      [
        'get-transaction-status',
        'ocpp2.0.1',
        { transaction_id: 'tx-201' },
        'GetTransactionStatus',
        { transactionId: 'tx-201' },
        { messagesInQueue: false, ongoingIndicator: true },
      ],
    ];

    it.each(CASES)(
      '%s reaches an %s charger as the exact OCPP payload and its answer comes back with 200',
      async (action, protocol, body, ocppAction, payload, answer) => {
        const charger = protocol === 'ocpp1.6' ? v16 : v201;
        charger.answer(ocppAction, () => answer);
        const before = charger.callsOf(ocppAction).length;
        const res = await send(charger.identity, action, body);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          charge_point_id: charger.identity,
          action,
          ocpp_action: ocppAction,
          ocpp_version: protocol === 'ocpp1.6' ? '1.6' : '2.0.1',
          state: 'answered',
          payload,
          response: answer,
          request: body,
          gateway_node: nodeA,
          error: null,
        });
        expect(res.body.sent_at).toEqual(expect.any(String));
        expect(res.body.answered_at).toEqual(expect.any(String));
        const calls = charger.callsOf(ocppAction);
        expect(calls).toHaveLength(before + 1);
        expect(calls[calls.length - 1].params).toEqual(payload);
      },
    );

    it('gives a 2.0.1 remote start a remoteStartId and keeps it on the command to link the session', async () => {
      const res = await send(v201.identity, 'remote-start', { evse_id: 1, id_tag: 'TOKEN-LINK' });
      expect(res.status).toBe(200);
      const call = v201.callsOf('RequestStartTransaction').pop()!;
      expect(call.params.remoteStartId).toEqual(expect.any(Number));
      expect(res.body.remote_start_id).toBe(call.params.remoteStartId);
      const [row] = await db.query(`SELECT remote_start_id FROM commands WHERE id = $1`, [res.body.id]);
      expect(row.remote_start_id).toBe(call.params.remoteStartId);
    });

    it('records a Rejected answer as rejected and a CALLERROR as failed with the OCPP error code', async () => {
      v16.answer('ChangeConfiguration', () => ({ status: 'Rejected' }));
      const rejected = await send(v16.identity, 'change-configuration', {
        key: 'MeterValueSampleInterval',
        value: 'x',
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ state: 'rejected', response: { status: 'Rejected' } });

      v16.answer('ClearCache', () => {
        throw createRPCError('NotImplemented', 'ClearCache is not implemented here');
      });
      const failed = await send(v16.identity, 'clear-cache', {});
      expect(failed.status).toBe(200);
      expect(failed.body).toMatchObject({
        state: 'failed',
        error: { code: 'NotImplemented' },
        response: null,
      });
    });

    it('sends a charger password to the charger but never shows it through the API', async () => {
      v16.answer('ChangeConfiguration', () => ({ status: 'Accepted' }));
      const res = await send(v16.identity, 'change-configuration', {
        key: 'AuthorizationKey',
        value: '0123456789abcdef0123456789abcdef',
      });
      expect(res.status).toBe(200);
      expect(v16.callsOf('ChangeConfiguration').pop()!.params).toEqual({
        key: 'AuthorizationKey',
        value: '0123456789abcdef0123456789abcdef',
      });
      expect(res.body.payload).toEqual({ key: 'AuthorizationKey', value: '[REDACTED]' });
      expect(res.body.request).toEqual({ key: 'AuthorizationKey', value: '[REDACTED]' });
      const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
      expect(JSON.stringify(got.body)).not.toContain('0123456789abcdef');
    });

    it('lets the platform push a rotated charger password and trigger a BootNotification through the outbox', async () => {
      const commands = api.app.get(CommandsService);
      v16.answer('ChangeConfiguration', () => ({ status: 'Accepted' }));
      const pushed16 = await commands.awaitOutcome(
        await commands.pushChargerPassword(owner.orgId, v16.identity, 'new-password-0123'),
      );
      expect(pushed16.state).toBe('answered');
      expect(v16.callsOf('ChangeConfiguration').pop()!.params).toEqual({
        key: 'AuthorizationKey',
        value: Buffer.from('new-password-0123').toString('hex'),
      });
      const pushed201 = await commands.awaitOutcome(
        await commands.pushChargerPassword(owner.orgId, v201.identity, 'new-password-0123'),
      );
      expect(pushed201.state).toBe('answered');
      expect(v201.callsOf('SetVariables').pop()!.params.setVariableData[0]).toMatchObject({
        variable: { name: 'BasicAuthPassword' },
        attributeValue: 'new-password-0123',
      });
      const view = await api.http().get(`/api/v1/commands/${pushed201.id}`).set(bearer(owner.token));
      expect(view.body.action).toBe('ocpp');
      expect(JSON.stringify(view.body)).not.toContain('new-password-0123');

      const trigger = await commands.awaitOutcome(
        await commands.triggerBootNotification(owner.orgId, v201.identity),
      );
      expect(trigger.state).toBe('answered');
      expect(v201.callsOf('TriggerMessage').pop()!.params).toEqual({ requestedMessage: 'BootNotification' });
    });

    it('refuses an action the charger OCPP version does not have with 422 action_not_supported', async () => {
      const res = await send(v16.identity, 'get-variables', {
        variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('action_not_supported');
      const other = await send(v201.identity, 'get-configuration', {});
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('action_not_supported');
    });

    it('answers 400 naming the field for bad bodies, including limits of the charger version', async () => {
      const badEnum = await send(v16.identity, 'reset', { type: 'medium' });
      expect(badEnum.status).toBe(400);
      expect(badEnum.body.code).toBe('validation_failed');
      expect(badEnum.body.errors.map((e: { field: string }) => e.field)).toEqual(['type']);

      const unknownField = await send(v16.identity, 'reset', { type: 'soft', force: true });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.errors).toEqual([{ field: 'force', message: 'unknown field' }]);

      const nested = await send(v16.identity, 'set-charging-profile', {
        connector_id: 1,
        charging_profile: {
          ...profile16,
          schedule: { rate_unit: 'W', periods: [{ start_period: 0, limit: 'x' }] },
        },
      });
      expect(nested.status).toBe(400);
      expect(nested.body.errors[0].field).toBe('charging_profile.schedule.periods.0.limit');

      const tooLongFor16 = await send(v16.identity, 'remote-start', {
        connector_id: 1,
        id_tag: 'T'.repeat(21),
      });
      expect(tooLongFor16.status).toBe(400);
      expect(tooLongFor16.body.errors[0].field).toBe('id_tag');

      const noTransaction = await send(v16.identity, 'remote-stop', {});
      expect(noTransaction.status).toBe(400);
      expect(noTransaction.body.errors[0].field).toBe('transaction_id');

      const unknownAction = await send(v16.identity, 'self-destruct', {});
      expect(unknownAction.status).toBe(404);
      expect(v16.callsOf('Reset').filter((c) => c.params.type !== 'Soft')).toHaveLength(0);
    });

    it('looks a sess_ id up through the sessions hook and answers 404 for a session it does not know', async () => {
      const res = await send(v16.identity, 'remote-stop', { session_id: 'sess_01HXZZZZZZZZZZZZZZZZZZZZZZ' });
      expect(res.status).toBe(404);
    });

    it('keeps one call in flight per charger: the next command waits for the answer to the previous one', async () => {
      const held = v201.hold('ClearCache');
      const clearCalls = v201.callsOf('ClearCache').length;
      const first = send(v201.identity, 'clear-cache', {}).then((r) => r);
      // This command's own call, not one an earlier test left unclaimed.
      await eventually(async () => expect(v201.callsOf('ClearCache')).toHaveLength(clearCalls + 1));
      const second = send(v201.identity, 'get-local-list-version', {}).then((r) => r);
      const before = v201.callsOf('GetLocalListVersion').length;
      await new Promise((r) => setTimeout(r, 400));
      // The second command is never sent while the first call is in flight. (Counting the charger's
      // calls here could also see a command an earlier test left queued; the row is exact.)
      const [row] = await db.query(
        `SELECT state FROM commands WHERE charge_point_id = $1 AND action = 'get-local-list-version' ORDER BY created_at DESC LIMIT 1`,
        [v201.identity],
      );
      expect(row.state).toBe('queued');
      held.release({ status: 'Accepted' });
      expect((await first).body.state).toBe('answered');
      expect((await second).body.state).toBe('answered');
      expect(v201.callsOf('GetLocalListVersion').length).toBeGreaterThan(before);
      v201.answer('ClearCache', () => ({ status: 'Accepted' }));
    });

    it('answers 202 with the command id when the charger is slow, and GET /commands/{id} shows the answer later', async () => {
      const held = v16.hold('Reset');
      const res = await send(v16.identity, 'reset', { type: 'hard' });
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/api/v1/commands/${res.body.id}`);
      expect(res.body.state).toBe('sent');
      held.release({ status: 'Accepted' });
      const done = await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
        expect(got.body.state).toBe('answered');
        return got;
      });
      expect(done.body.response).toEqual({ status: 'Accepted' });
      v16.answer('Reset', () => ({ status: 'Accepted' }));
    });

    it('makes retries with the same Idempotency-Key return the same command without a second call', async () => {
      const key = `idem-${randomBytes(4).toString('hex')}`;
      const before = v16.callsOf('UnlockConnector').length;
      const first = await send(v16.identity, 'unlock', { connector_id: 2 }).set('Idempotency-Key', key);
      const retry = await send(v16.identity, 'unlock', { connector_id: 2 }).set('Idempotency-Key', key);
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.body.idempotency_key).toBe(key);
      expect(v16.callsOf('UnlockConnector')).toHaveLength(before + 1);

      const reused = await send(v16.identity, 'reset', { type: 'soft' }).set('Idempotency-Key', key);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
      const otherBody = await send(v16.identity, 'unlock', { connector_id: 1 }).set('Idempotency-Key', key);
      expect(otherBody.status).toBe(422);
      expect(v16.callsOf('UnlockConnector')).toHaveLength(before + 1);
    });

    it('lists the commands of a charge point newest first, paginated and filtered by state', async () => {
      const all = await api
        .http()
        .get(`/api/v1/charge-points/${v16.identity}/commands?limit=2`)
        .set(bearer(owner.token));
      expect(all.status).toBe(200);
      expect(all.body.data).toHaveLength(2);
      expect(all.body.total).toBeGreaterThan(10);
      expect(all.body.data[0].created_at >= all.body.data[1].created_at).toBe(true);
      const rejected = await api
        .http()
        .get(`/api/v1/charge-points/${v16.identity}/commands?state=rejected`)
        .set(bearer(owner.token));
      expect(rejected.body.data.map((c: { state: string }) => c.state)).toEqual(['rejected']);
    });

    it('enforces charge_points.command: viewer and billing 403, member allowed; read-only API key 403', async () => {
      const viewer = await seedMember(api, owner.orgId, 'viewer');
      const billing = await seedMember(api, owner.orgId, 'billing');
      const member = await seedMember(api, owner.orgId, 'member');
      const readKey = await createApiKey(api, owner.token, ['read:charge_points']);
      const writeKey = await createApiKey(api, owner.token, ['write:charge_points']);

      expect((await send(v16.identity, 'clear-cache', {}, viewer.token)).status).toBe(403);
      expect((await send(v16.identity, 'clear-cache', {}, billing.token)).status).toBe(403);
      v16.answer('ClearCache', () => ({ status: 'Accepted' }));
      expect((await send(v16.identity, 'clear-cache', {}, member.token)).status).toBe(200);
      const byReadKey = await api
        .http()
        .post(`/api/v1/charge-points/${v16.identity}/actions/clear-cache`)
        .set('X-API-Key', readKey.key)
        .send({});
      expect(byReadKey.status).toBe(403);
      const byWriteKey = await api
        .http()
        .post(`/api/v1/charge-points/${v16.identity}/actions/clear-cache`)
        .set('X-API-Key', writeKey.key)
        .send({});
      expect(byWriteKey.status).toBe(200);

      // Reading commands needs only charge_points.read.
      const seen = await api.http().get(`/api/v1/commands/${byWriteKey.body.id}`).set(bearer(viewer.token));
      expect(seen.status).toBe(200);
      expect(
        (await api.http().get(`/api/v1/commands/${byWriteKey.body.id}`).set(bearer(billing.token))).status,
      ).toBe(403);
    });

    it("answers 404 for another organization's charge point and commands", async () => {
      const other = await signUp(api);
      const res = await send(v16.identity, 'clear-cache', {}, other.token);
      expect(res.status).toBe(404);
      const [mine] = await db.query(`SELECT id FROM commands WHERE charge_point_id = $1 LIMIT 1`, [
        v16.identity,
      ]);
      expect((await api.http().get(`/api/v1/commands/${mine.id}`).set(bearer(other.token))).status).toBe(404);
      expect(
        (await api.http().get(`/api/v1/charge-points/${v16.identity}/commands`).set(bearer(other.token)))
          .status,
      ).toBe(404);
    });
  });

  describe('offline chargers', () => {
    it('answers 409 charge_point_offline and writes no command', async () => {
      const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp('off'), ocppVersion: '1.6' });
      const res = await send(cp.id, 'reset', { type: 'soft' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('charge_point_offline');
      expect(await db.query(`SELECT id FROM commands WHERE charge_point_id = $1`, [cp.id])).toEqual([]);
    });

    it('queues a command until the charger reconnects when asked, and delivers it on connect', async () => {
      const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp('later'), ocppVersion: '2.0.1' });
      const missingExpiry = await send(cp.id, 'reset', { type: 'soft', queue_until_reconnect: true });
      expect(missingExpiry.status).toBe(400);
      expect(missingExpiry.body.errors[0].field).toBe('expires_at');

      const expiresAt = new Date(Date.now() + 3600_000).toISOString();
      const queued = await send(cp.id, 'reset', {
        type: 'soft',
        queue_until_reconnect: true,
        expires_at: expiresAt,
      });
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ state: 'queued', gateway_node: null, expires_at: expiresAt });

      const charger = new TestCharger(gatewayA, cp.id, 'ocpp2.0.1');
      chargers.push(charger);
      await charger.connect();
      const call = await charger.nextCall('Reset');
      expect(call.params).toEqual({ type: 'OnIdle' });
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${queued.body.id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({
          state: 'answered',
          gateway_node: nodeA,
          response: { status: 'Accepted' },
        });
      });
    });

    it('re-translates a queued command when the charger comes back speaking the other OCPP version', async () => {
      const first = await connectedCharger('ocpp1.6', gatewayA, 'switch');
      await first.close();
      await eventually(async () =>
        expect(await api.app.get(ConnectionRegistry).nodeOf(first.identity)).toBeNull(),
      );
      const queued = await send(first.identity, 'reset', {
        type: 'soft',
        queue_until_reconnect: true,
        expires_at: new Date(Date.now() + 600_000).toISOString(),
      });
      expect(queued.body).toMatchObject({ state: 'queued', ocpp_version: '1.6', payload: { type: 'Soft' } });

      const upgraded = new TestCharger(gatewayA, first.identity, 'ocpp2.0.1');
      chargers.push(upgraded);
      await upgraded.connect();
      expect((await upgraded.nextCall('Reset')).params).toEqual({ type: 'OnIdle' });
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${queued.body.id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({
          state: 'answered',
          ocpp_version: '2.0.1',
          payload: { type: 'OnIdle' },
        });
      });
    });

    it('times a queued command out when its expiry passes before the charger returns', async () => {
      const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp('never'), ocppVersion: '1.6' });
      const queued = await send(cp.id, 'clear-cache', {
        queue_until_reconnect: true,
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(queued.status).toBe(202);
      api.clock.advance(120_000);
      try {
        const report = await api.app.get(CommandsMaintenanceService).sweep();
        expect(report.expired).toBeGreaterThanOrEqual(1);
      } finally {
        api.clock.reset();
      }
      const got = await api.http().get(`/api/v1/commands/${queued.body.id}`).set(bearer(owner.token));
      expect(got.body).toMatchObject({ state: 'timed_out', error: { code: 'expired' } });
    });
  });

  describe('recovery', () => {
    it('runs the sweeper on its own every COMMAND_SWEEP_INTERVAL_SECONDS', async () => {
      const sweepingApi = await startApi(stack, { COMMAND_SWEEP_INTERVAL_SECONDS: '1' });
      try {
        const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp('swept'), ocppVersion: '1.6' });
        const queued = await send(cp.id, 'clear-cache', {
          queue_until_reconnect: true,
          expires_at: new Date(Date.now() + 60_000).toISOString(),
        });
        expect(queued.status).toBe(202);
        sweepingApi.clock.advance(120_000);
        await eventually(async () => {
          const got = await api.http().get(`/api/v1/commands/${queued.body.id}`).set(bearer(owner.token));
          expect(got.body).toMatchObject({ state: 'timed_out', error: { code: 'expired' } });
        }, 5000);
      } finally {
        await sweepingApi.close();
      }
    });

    it('re-enqueues a queued command whose job Redis lost, and the charger gets exactly one call', async () => {
      const charger = await connectedCharger('ocpp1.6');
      const queue = api.app.get(CommandProducer).queueOf(nodeA);
      // Hold the node's jobs, then lose them as a Redis restart without persistence would.
      await queue.pause();
      let res;
      try {
        res = await send(charger.identity, 'reset', { type: 'soft' });
        expect(res.status).toBe(202);
        expect(res.body.state).toBe('queued');
        await queue.drain(true);
        expect(await api.app.get(CommandProducer).hasPendingJob(nodeA, res.body.id, 1)).toBe(false);
      } finally {
        await queue.resume();
      }
      api.clock.advance(10_000);
      try {
        const report = await api.app.get(CommandsMaintenanceService).reconcile();
        expect(report.requeued).toBe(1);
      } finally {
        api.clock.reset();
      }
      await charger.nextCall('Reset');
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({ state: 'answered' });
      });
      expect(charger.callsOf('Reset')).toHaveLength(1);
      const [row] = await db.query(`SELECT dispatches FROM commands WHERE id = $1`, [res.body.id]);
      expect(row.dispatches).toBe(2);
    });

    it('does nothing with a re-delivered job of a command that was already answered', async () => {
      const charger = await connectedCharger('ocpp1.6');
      const res = await send(charger.identity, 'clear-cache', {});
      expect(res.body.state).toBe('answered');
      await api.app
        .get(CommandProducer)
        .enqueue(nodeA, { commandId: res.body.id, chargePointId: charger.identity }, 99);
      await eventually(async () => {
        const job = await api.app.get(CommandProducer).queueOf(nodeA).getJob(`${res.body.id}.99`);
        expect(await job?.getState()).toBe('completed');
      });
      expect(charger.callsOf('ClearCache')).toHaveLength(1);
      const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
      expect(got.body).toMatchObject({ state: 'answered', answered_at: res.body.answered_at });
    });

    it('answers with the command as stored, whether the outcome came with the notice or was read back', async () => {
      const charger = await connectedCharger('ocpp1.6');
      // Small: the gateway's notice carries the outcome. Large (over 8 KB): the api reads the row.
      const configurationKey = Array.from({ length: 120 }, (_, i) => ({
        key: `VendorKey${i}`,
        readonly: true,
        value: 'v'.repeat(80),
      }));
      for (const keys of [configurationKey.slice(0, 2), configurationKey]) {
        charger.answer('GetConfiguration', () => ({ configurationKey: keys }));
        const res = await send(charger.identity, 'get-configuration', {});
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          state: 'answered',
          gateway_node: nodeA,
          response: { configurationKey: keys },
        });
        const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
        expect(got.body).toEqual(res.body);
      }
    });

    /** A command row written straight to the table, assigned to `nodeId` at its first dispatch, and its job. */
    const queuedRow = async (chargePointId: string, nodeId: string, payload: Record<string, any>) => {
      const id = newId('cmd');
      await db.getRepository(Command).insert({
        id,
        organizationId: owner.orgId,
        chargePointId,
        action: 'reset',
        ocppAction: 'Reset',
        ocppVersion: '1.6',
        request: { type: 'soft' } as Record<string, any>,
        payload,
        state: 'queued',
        nodeId,
        dispatches: 1,
        createdAt: new Date(),
      });
      await api.app.get(CommandProducer).enqueue(nodeId, { commandId: id, chargePointId }, 1);
      return id;
    };

    it('fails a command whose payload does not pass the OCPP schema, without sending it', async () => {
      const charger = await connectedCharger('ocpp1.6');
      const id = await queuedRow(charger.identity, nodeA, { type: 'Sideways' });
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({
          state: 'failed',
          error: { code: 'invalid_payload' },
          sent_at: null,
        });
        expect(got.body.error.reason).toContain('Reset');
      });
      // The charger stays usable and never saw the invalid call.
      const next = await send(charger.identity, 'clear-cache', {});
      expect(next.body.state).toBe('answered');
      expect(charger.callsOf('Reset')).toHaveLength(0);
    });

    /**
     * A 1.6 charger connected to node A whose connect-time delivery (the commands queued for it on other
     * nodes, right after its registry entry) has passed, so that a command written now is the test's.
     */
    const settledCharger = async () => {
      const charger = await connectedCharger('ocpp1.6');
      await eventually(async () =>
        expect(await api.app.get(ConnectionRegistry).nodeOf(charger.identity)).toBe(nodeA),
      );
      await new Promise((r) => setTimeout(r, 300));
      return charger;
    };

    it('puts back a command claimed for a charger the registry places on another live node, and routes it there', async () => {
      const charger = await settledCharger();
      // The charger reconnected elsewhere as far as the registry knows; this node still has its old socket.
      const otherNode = `gw-other-${randomBytes(2).toString('hex')}`;
      const registry = api.app.get(ConnectionRegistry);
      await registry.heartbeat(otherNode);
      await registry.register(charger.identity, otherNode);
      let id = '';
      try {
        id = await queuedRow(charger.identity, nodeA, { type: 'Soft' });
        await eventually(async () => {
          const [row] = await db.query(
            'SELECT state, node_id, dispatches, sent_at FROM commands WHERE id = $1',
            [id],
          );
          expect(row).toEqual({ state: 'queued', node_id: otherNode, dispatches: 2, sent_at: null });
        });
        expect(await api.app.get(CommandProducer).hasPendingJob(otherNode, id, 2)).toBe(true);
        expect(charger.callsOf('Reset')).toHaveLength(0);
      } finally {
        // Leave no command on the made-up node for the sweeper tests that follow.
        await db.query('DELETE FROM commands WHERE id = $1', [id]);
        await registry.register(charger.identity, nodeA);
        await registry.removeNode(otherNode).catch(() => undefined);
        await api.app.get(CommandProducer).discardNodeQueue(otherNode);
      }
    });

    it('moves the commands of a node whose heartbeat expired to the node now holding the charger', async () => {
      // Past the connect-time delivery, so this command is the sweeper's.
      const charger = await settledCharger();
      const deadNode = `gw-dead-${randomBytes(2).toString('hex')}`;
      const id = await queuedRow(charger.identity, deadNode, { type: 'Soft' });

      const report = await api.app.get(CommandsMaintenanceService).sweep();
      expect(report.moved).toBe(1);
      expect((await charger.nextCall('Reset')).params).toEqual({ type: 'Soft' });
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({ state: 'answered', gateway_node: nodeA });
      });
      expect(await api.app.get(CommandProducer).hasPendingJob(deadNode, id, 1)).toBe(false);
    });

    it('fails a sent command that got no answer long past the call timeout, and a late answer does not revive it', async () => {
      const charger = await connectedCharger('ocpp1.6');
      const held = charger.hold('ChangeAvailability');
      const res = await send(charger.identity, 'change-availability', { availability: 'operative' });
      expect(res.status).toBe(202);
      expect(res.body.state).toBe('sent');
      api.clock.advance(api.config.commands.callTimeoutMs + 31_000);
      try {
        const report = await api.app.get(CommandsMaintenanceService).sweep();
        expect(report.failed_sent).toBe(1);
      } finally {
        api.clock.reset();
      }
      held.release({ status: 'Accepted' });
      await new Promise((r) => setTimeout(r, 200));
      const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
      expect(got.body).toMatchObject({
        state: 'failed',
        error: { code: 'no_answer_recorded' },
        response: null,
      });
    });
  });

  describe('two gateway nodes', () => {
    let gatewayB: RunningApp;
    const nodeB = `gw-b-${randomBytes(2).toString('hex')}`;

    beforeAll(async () => {
      gatewayB = await startGateway(stack, { GATEWAY_NODE_ID: nodeB, COMMAND_CALL_TIMEOUT_MS: '500' });
    });
    afterAll(async () => {
      await gatewayB?.close();
    });

    it("sends a command for a charger on node B through B's queue", async () => {
      const charger = await connectedCharger('ocpp2.0.1', gatewayB, 'onb');
      const res = await send(charger.identity, 'trigger-message', { requested_message: 'Heartbeat' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'answered', gateway_node: nodeB });
      expect(charger.callsOf('TriggerMessage')).toEqual([
        { method: 'TriggerMessage', params: { requestedMessage: 'Heartbeat' } },
      ]);
      const producer = api.app.get(CommandProducer);
      expect(producer.queueOf(nodeB).name).toBe(gatewayNodeQueue(nodeB));
      expect(await producer.queueOf(nodeB).getJob(`${res.body.id}.1`)).toBeDefined();
      expect(await producer.queueOf(nodeA).getJob(`${res.body.id}.1`)).toBeUndefined();
    });

    it('re-checks the registry before sending: a job on the wrong node is moved to the node holding the charger', async () => {
      const charger = await connectedCharger('ocpp1.6', gatewayB, 'moved');
      const id = newId('cmd');
      await db.getRepository(Command).insert({
        id,
        organizationId: owner.orgId,
        chargePointId: charger.identity,
        action: 'unlock',
        ocppAction: 'UnlockConnector',
        ocppVersion: '1.6',
        request: { connector_id: 1 } as Record<string, any>,
        payload: { connectorId: 1 } as Record<string, any>,
        state: 'queued',
        nodeId: nodeA,
        dispatches: 1,
        createdAt: new Date(),
      });
      await api.app
        .get(CommandProducer)
        .enqueue(nodeA, { commandId: id, chargePointId: charger.identity }, 1);
      expect((await charger.nextCall('UnlockConnector')).params).toEqual({ connectorId: 1 });
      await eventually(async () => {
        const got = await api.http().get(`/api/v1/commands/${id}`).set(bearer(owner.token));
        expect(got.body).toMatchObject({
          state: 'answered',
          gateway_node: nodeB,
          response: { status: 'Unlocked' },
        });
      });
    });

    it('hands the queued commands of a node that went away to the node the charger reconnects to', async () => {
      const nodeC = `gw-c-${randomBytes(2).toString('hex')}`;
      const gatewayC = await startGateway(stack, { GATEWAY_NODE_ID: nodeC });
      let closed = false;
      try {
        const onC = await connectedCharger('ocpp2.0.1', gatewayC, 'failover');
        const queueC = api.app.get(CommandProducer).queueOf(nodeC);
        await queueC.pause();
        const res = await send(onC.identity, 'get-base-report', {
          report_base: 'summary_inventory',
          request_id: 5,
        });
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ state: 'queued', gateway_node: nodeC });
        await gatewayC.close();
        closed = true;

        const onA = new TestCharger(gatewayA, onC.identity, 'ocpp2.0.1');
        chargers.push(onA);
        await onA.connect();
        expect((await onA.nextCall('GetBaseReport')).params).toEqual({
          requestId: 5,
          reportBase: 'SummaryInventory',
        });
        await eventually(async () => {
          const got = await api.http().get(`/api/v1/commands/${res.body.id}`).set(bearer(owner.token));
          expect(got.body).toMatchObject({ state: 'answered', gateway_node: nodeA });
        });
      } finally {
        if (!closed) await gatewayC.close();
      }
    });

    it("records timed_out when the charger does not answer within the node's call timeout", async () => {
      const charger = await connectedCharger('ocpp1.6', gatewayB, 'mute');
      charger.hold('ClearCache');
      const res = await send(charger.identity, 'clear-cache', {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'timed_out', error: { code: 'charger_timeout' } });
    });
  });

  describe('handshake', () => {
    it('accepts a charger with its password and refuses a wrong one with 401', async () => {
      const cp = await aChargePoint(api, owner.orgId, {
        id: uniqueCp('pw'),
        password: 'correct-password-123',
      });
      const wrong = new TestCharger(gatewayA, cp.id, 'ocpp1.6', 'wrong-password-1234');
      await expect(wrong.connect()).rejects.toMatchObject({ code: 401 });
      const right = new TestCharger(gatewayA, cp.id, 'ocpp1.6', 'correct-password-123');
      chargers.push(right);
      await right.connect();
      expect(right.client.protocol).toBe('ocpp1.6');
    });

    it('refuses a decommissioned charge point with 404, and commands to it answer 404', async () => {
      const cp = await aChargePoint(api, owner.orgId, { id: uniqueCp('gone'), ocppVersion: '1.6' });
      await db.query(`UPDATE charge_points SET decommissioned_at = now() WHERE id = $1`, [cp.id]);
      await expect(new TestCharger(gatewayA, cp.id, 'ocpp1.6').connect()).rejects.toMatchObject({
        code: 404,
      });
      expect((await send(cp.id, 'reset', { type: 'soft' })).status).toBe(404);
      const unknown = await api
        .http()
        .get('/api/v1/commands/cmd_01HXZZZZZZZZZZZZZZZZZZZZZZ')
        .set(bearer(owner.token));
      expect(unknown.status).toBe(404);
    });
  });
});
