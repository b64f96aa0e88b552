import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@csms/common';
import { Command } from '@csms/domain';
import { CommandProducer, gatewayNodeQueue } from '@csms/queues';
import { CommandsMaintenanceService } from '../apps/api/src/commands/commands-maintenance.service';
import { CommandWorkerService } from '../apps/ocpp-gateway/src/commands/command-worker.service';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { seedMember } from './support/members';
import { OcppProtocol, TestCharger, aChargePoint, eventually } from './support/ocpp-charger';
import { SignedUp, bearer, createApiKey, signUp } from './support/session';

const WAIT_MS = 1500;

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

  it('delivers a reset to a 1.6 charger and returns its answer with 200', async () => {
    const charger = await connectedCharger('ocpp1.6');
    const res = await send(charger.identity, 'reset', { type: 'hard' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      charge_point_id: charger.identity,
      action: 'reset',
      ocpp_action: 'Reset',
      ocpp_version: '1.6',
      state: 'answered',
      payload: { type: 'Hard' },
      response: { status: 'Accepted' },
      gateway_node: nodeA,
      error: null,
    });
    expect(charger.callsOf('Reset')).toEqual([{ method: 'Reset', params: { type: 'Hard' } }]);
  });
});
