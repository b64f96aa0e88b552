import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { TestCharger, aChargePoint, eventually } from './support/ocpp-charger';
import { ChildApp, childrenOf, isAlive, until, spawnGateway } from './support/processes';
import { SignedUp, bearer, signUp } from './support/session';

describe('gateway workers (GATEWAY_WORKERS, node cluster on one port)', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: ChildApp;
  let owner: SignedUp;
  let db: DataSource;
  const node = `gw-workers-${randomBytes(2).toString('hex')}`;
  const chargers: TestCharger[] = [];
  const ids = Array.from({ length: 6 }, (_, i) => `cp_workers_${i}_${randomBytes(3).toString('hex')}`);

  /** Workers that have started listening so far (the supervisor logs each). */
  const listening = () => gateway.output().match(/worker \d+ listening/g)?.length ?? 0;

  /** Each charger on a connection of its own: the cluster hands them to the workers in turn. */
  async function connectAll(): Promise<TestCharger[]> {
    const connected = await Promise.all(
      ids.map(async (id) => {
        const charger = new TestCharger({ port: gateway.port } as RunningApp, id, 'ocpp1.6');
        chargers.push(charger);
        await charger.connect();
        await charger.client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'W' });
        return charger;
      }),
    );
    return connected;
  }

  /**
   * The node that logged each charger's latest frame: the worker holding its connection. Each worker
   * buffers its log and flushes it on its own, so ids interleave across workers; the receipt time orders.
   */
  async function nodesOf(): Promise<Map<string, string>> {
    const rows: Array<{ charge_point_id: string; gateway_node: string }> = await db.query(
      `SELECT DISTINCT ON (charge_point_id) charge_point_id, gateway_node FROM ocpp_messages
       WHERE charge_point_id = ANY($1) ORDER BY charge_point_id, created_at DESC, id DESC`,
      [ids],
    );
    return new Map(rows.map((r) => [r.charge_point_id, r.gateway_node]));
  }

  /** A Heartbeat asked of every charger through the REST API; the node that delivered each. */
  async function triggerAll(connected: TestCharger[]): Promise<Map<string, string>> {
    const answers = await Promise.all(
      connected.map((c) =>
        api
          .http()
          .post(`/api/v1/charge-points/${c.identity}/actions/trigger-message`)
          .set(bearer(owner.token))
          .send({ requested_message: 'Heartbeat' }),
      ),
    );
    for (const res of answers)
      expect(res.body).toMatchObject({ state: 'answered', response: { status: 'Accepted' } });
    for (const c of connected) expect(c.callsOf('TriggerMessage')).toHaveLength(1);
    return new Map(answers.map((res, i) => [connected[i].identity, res.body.gateway_node as string]));
  }

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack, { COMMAND_WAIT_MS: '5000' });
    owner = await signUp(api);
    db = api.app.get(DataSource);
    for (const id of ids) await aChargePoint(api, owner.orgId, { id });
    gateway = await spawnGateway(stack, { GATEWAY_WORKERS: '2', GATEWAY_NODE_ID: node }, 180_000);
    await until(() => listening() === 2, 90_000);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await gateway?.stop();
    await api?.close();
    await stack?.dispose();
  });

  it('spreads chargers over the workers, each a node of its own, and routes commands to the one holding the charger', async () => {
    const connected = await connectAll();
    const held = await eventually(async () => {
      const nodes = await nodesOf();
      expect(nodes.size).toBe(ids.length);
      return nodes;
    });
    expect(new Set(held.values())).toEqual(new Set([`${node}-1`, `${node}-2`]));
    expect(await triggerAll(connected)).toEqual(held);
  }, 60_000);

  it('replaces a worker that dies under the same node name; its chargers come back and are served', async () => {
    const before = childrenOf(gateway.pid);
    const held = await nodesOf();
    const [victim, survivor] = before;
    process.kill(victim, 'SIGKILL');
    await until(() => {
      const now = childrenOf(gateway.pid);
      return now.length === 2 && !now.includes(victim) && now.includes(survivor);
    }, 90_000);
    await until(() => gateway.output().includes(`worker ${victim} exited`), 5_000);
    await until(() => listening() === 3, 90_000);

    // The dead worker's chargers lost their sockets; all reconnect (as chargers do) and are served again,
    // by both workers once the replacement listens.
    const delivered = await eventually(async () => {
      await Promise.all(chargers.splice(0).map((c) => c.close()));
      const reconnected = await connectAll();
      const nodes = await triggerAll(reconnected);
      expect(new Set(nodes.values())).toEqual(new Set(held.values()));
      return nodes;
    }, 90_000);
    await eventually(async () => expect(await nodesOf()).toEqual(delivered));

    const workers = childrenOf(gateway.pid);
    await gateway.stop();
    expect(isAlive(gateway.pid)).toBe(false);
    await until(() => workers.every((pid) => !isAlive(pid)), 15_000);
  }, 180_000);
});
