import { FaultCharger, tally } from './support/fault-charger';
import { AppProcess, sleep, waitUntil } from './support/processes';
import { FaultStack, Rest, report } from './support/stack';

/**
 * kill -9 of one of two gateway nodes while its chargers are mid-transaction and commands are in
 * flight: the chargers reconnect to the other node and finish their transactions, nothing is lost or
 * written twice, the calls the dead node had on the wire end `failed`, and commands queued for the
 * disconnected chargers reach them on the surviving node.
 */
describe('a gateway node killed mid-transaction', () => {
  let stack: FaultStack;
  let api: AppProcess;
  let nodeA: AppProcess;
  let nodeB: AppProcess;
  let rest: Rest;
  const chargers: FaultCharger[] = [];
  const started = Date.now();

  beforeAll(async () => {
    stack = await FaultStack.create({
      COMMAND_SWEEP_INTERVAL_SECONDS: '1',
      COMMAND_CALL_TIMEOUT_MS: '3000',
      COMMAND_WAIT_MS: '300',
    });
    api = await stack.start('api', 'api');
    [nodeA, nodeB] = await Promise.all([stack.start('gateway', 'node-a'), stack.start('gateway', 'node-b')]);
    rest = new Rest(api);
    await rest.signUp();
  });

  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.retire()));
    await stack?.dispose();
  });

  it('moves the chargers to the surviving node without losing or duplicating a session', async () => {
    // Six chargers, four on node A (the one that dies) and two on node B, each in a transaction.
    for (let i = 0; i < 6; i++) {
      const id = `crash-${i}`;
      const password = await rest.chargePoint(id);
      await rest.idTag(`CRASH-TAG-${i}`);
      const charger = new FaultCharger(id, password);
      chargers.push(charger);
      await charger.connect(i < 4 ? nodeA.ocppUrl : nodeB.ocppUrl);
      await charger.boot();
      await charger.status('Preparing');
      await charger.startTransaction(`CRASH-TAG-${i}`, 10_000 * (i + 1));
      await charger.status('Charging');
      for (let k = 0; k < 3; k++) await charger.meterValue(100);
    }
    const onA = chargers.slice(0, 4);

    // Meter values keep flowing (each retried until acknowledged, as chargers do) through the crash.
    let flowing = true;
    const loops = chargers.map(async (c) => {
      while (flowing && !c.retired) {
        await c.meterValue(25, 180_000);
        await sleep(150);
      }
    });

    // Two calls in flight on node A: the chargers hold them unanswered.
    const inFlight: Array<{ charger: FaultCharger; commandId: string }> = [];
    for (const charger of onA.slice(0, 2)) {
      charger.holding.add('GetConfiguration');
      const res = await rest.command(charger.identity, 'get-configuration', { keys: ['HeartbeatInterval'] });
      expect(res.status).toBe(202);
      inFlight.push({ charger, commandId: res.body.id });
    }
    await waitUntil(
      'the held calls to reach the chargers',
      async () => inFlight.every((f) => f.charger.callsOf('GetConfiguration').length === 1),
      30_000,
    );
    for (const f of inFlight) expect((await rest.commandState(f.commandId)).state).toBe('sent');

    await nodeA.kill();
    for (const c of onA) await c.drop();

    // While they are away, commands wait for two of them.
    const queued: Array<{ charger: FaultCharger; commandId: string }> = [];
    for (const charger of onA.slice(2)) {
      const res = await rest.command(charger.identity, 'get-configuration', {
        keys: ['MeterValueSampleInterval'],
        queue_until_reconnect: true,
        expires_at: new Date(Date.now() + 600_000).toISOString(),
      });
      expect(res.status).toBe(202);
      expect(res.body.state).toBe('queued');
      queued.push({ charger, commandId: res.body.id });
    }
    await sleep(1000);

    for (const c of onA) {
      await c.connect(nodeB.ocppUrl);
      await c.status('Charging');
    }

    // The queued commands reach the chargers on node B and are answered.
    for (const q of queued) {
      await waitUntil(
        `${q.charger.identity} to get its queued command`,
        async () => (await rest.commandState(q.commandId)).state === 'answered',
        60_000,
      ).catch(async (err) => {
        const rows = await stack.query('SELECT * FROM commands WHERE charge_point_id = $1', [
          q.charger.identity,
        ]);
        throw new Error(
          `${err.message}: ${JSON.stringify(rows)} ${await fetch(api.url + '/health').then((r) => r.text())}`,
        );
      });
      expect(q.charger.callsOf('GetConfiguration')).toEqual([
        { method: 'GetConfiguration', params: { key: ['MeterValueSampleInterval'] } },
      ]);
    }

    // The calls node A had on the wire end failed, with a reason, and are not sent again.
    const failures: string[] = [];
    for (const f of inFlight) {
      await waitUntil(
        `in-flight command ${f.commandId} to end`,
        async () => (await rest.commandState(f.commandId)).state === 'failed',
        90_000,
      );
      const command = await rest.commandState(f.commandId);
      expect(command.error.code).toEqual(expect.any(String));
      expect(command.error.reason).toEqual(expect.any(String));
      failures.push(command.error.code);
      expect(f.charger.callsOf('GetConfiguration')).toHaveLength(1);
    }

    flowing = false;
    await Promise.all(loops);
    for (const c of chargers) {
      await c.stopTransaction();
      await c.status('Available');
    }

    // Exactly one session per charger, completed with the charger's own meter readings.
    const sessions = await stack.query(
      `SELECT charge_point_id, transaction_id::int AS transaction_id, status, meter_start_wh::float AS start, meter_stop_wh::float AS stop,
              energy_wh::float AS energy FROM charging_sessions ORDER BY charge_point_id`,
    );
    expect(sessions).toHaveLength(chargers.length);
    for (const c of chargers) {
      const session = sessions.find((s) => s.charge_point_id === c.identity);
      expect(session).toEqual({
        charge_point_id: c.identity,
        transaction_id: c.transactionId,
        status: 'completed',
        start: c.meterStart,
        stop: c.meter,
        energy: c.meter - c.meterStart,
      });
    }
    // Every periodic sample once: none lost in the crash, none written twice by a retry.
    let duplicates = 0;
    let lost = 0;
    for (const c of chargers) {
      const rows = await stack.query<{ at: string; value: number; n: number }>(
        `SELECT sampled_at AS at, register_wh::float AS value, count(*)::int AS n FROM meter_value_sets
         WHERE charge_point_id = $1 AND register_context = 'Sample.Periodic'
         GROUP BY sampled_at, register_wh`,
        [c.identity],
      );
      const stored = new Map(rows.map((r) => [new Date(r.at).toISOString(), r]));
      for (const s of c.samples) {
        const row = stored.get(s.timestamp);
        if (!row || row.value !== s.wh) lost++;
        else if (row.n !== 1) duplicates++;
      }
      expect(rows).toHaveLength(c.samples.length);
    }
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });

    const t = tally(chargers);
    report('gateway node kill -9', {
      faults: 1,
      chargers: chargers.length,
      messages_sent: t.sent,
      acknowledged: t.acknowledged,
      refused_or_unanswered: t.refused + t.unanswered,
      meter_samples: chargers.reduce((n, c) => n + c.samples.length, 0),
      samples_persisted: chargers.reduce((n, c) => n + c.samples.length, 0) - lost,
      sessions: sessions.length,
      sessions_lost: 0,
      duplicates,
      in_flight_failed: `${inFlight.length}(${failures.join(',')})`,
      queued_delivered: queued.length,
      duration_s: Math.round((Date.now() - started) / 1000),
    });
  });
});
