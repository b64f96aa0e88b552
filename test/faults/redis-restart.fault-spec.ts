import { SmtpCapture } from '../support/smtp';
import { FaultCharger, tally } from './support/fault-charger';
import { Load, chargersInTransaction, checkPersistence, checkSessions } from './support/load';
import { AppProcess, sleep, waitUntil } from './support/processes';
import { startLoadedStack, stopLoadedStack } from './support/loaded-stack';
import { FaultStack, Rest, report } from './support/stack';

/**
 * Redis killed (kill -9, no persistence: every key and job is gone) and started again while chargers
 * and a REST client keep working: both apps recover on their own, and nothing acknowledged is lost.
 */
describe('Redis restarted under load', () => {
  let stack: FaultStack;
  let api: AppProcess;
  let gateway: AppProcess;
  let rest: Rest;
  let smtp: SmtpCapture;
  let chargers: FaultCharger[] = [];
  const started = Date.now();

  beforeAll(async () => {
    ({ stack, api, gateway, rest, smtp } = await startLoadedStack('node-r'));
  });

  afterAll(() => stopLoadedStack({ stack, smtp }, chargers));

  it('recovers without a restart and keeps everything it acknowledged, once', async () => {
    chargers = await chargersInTransaction(rest, gateway.ocppUrl, 'redis', 4);
    for (const c of chargers) c.autoReconnect = true;
    const load = new Load(chargers, rest).start();
    await sleep(3000);

    await stack.redis.kill();
    await sleep(6000);
    await stack.redis.start();

    // Both apps report healthy again without being restarted.
    await waitUntil('api health', async () => (await api.health()) === 200, 60_000);
    await waitUntil('gateway health', async () => (await gateway.health()) === 200, 60_000);
    expect(api.running && gateway.running).toBe(true);
    await sleep(3000);
    await load.stop();

    // The node registry lost its keys with Redis: the gateway registers its chargers again.
    for (const c of chargers) {
      await waitUntil(`${c.identity} connected again`, () => rest.connected(c.identity), 30_000);
    }
    // New commands reach every charger (the gateway's BullMQ worker and the registry are back).
    for (const c of chargers) {
      const res = await rest.command(c.identity, 'get-configuration', { keys: ['HeartbeatInterval'] });
      expect([200, 202]).toContain(res.status);
      await waitUntil(
        `command to ${c.identity} answered`,
        async () => (await rest.commandState(res.body.id)).state === 'answered',
        60_000,
      ).catch(async (err) => {
        throw new Error(`${err.message}: ${JSON.stringify(await rest.commandState(res.body.id))}`);
      });
    }
    // The api's notifications worker sends again.
    const invitee = `invitee.redis.${Date.now()}@example.com`;
    await rest.expect(201, 'POST', `/api/v1/organizations/${rest.orgId}/invitations`, {
      email: invitee,
      role: 'viewer',
    });
    await smtp.waitFor(invitee, 1, 60_000);

    for (const c of chargers) {
      await c.stopTransaction();
      await c.status('Available');
    }
    const { sessions, expected } = await checkSessions(stack, chargers);
    expect(sessions).toEqual(expect.arrayContaining(expected));
    expect(sessions).toHaveLength(expected.length);

    const persisted = await checkPersistence(stack, chargers, load.rest);
    expect(persisted).toMatchObject({ acknowledgedLost: 0, duplicates: 0, samplesLost: 0 });
    expect(persisted.statusStored).toBe(persisted.statusAcknowledged);
    expect(smtp.to(invitee)).toHaveLength(1);
    // An outage is 503 with Retry-After for REST clients, never a 500.
    expect(Object.keys(load.rest.statuses).filter((s) => !['200', '201', '503'].includes(s))).toEqual([]);

    const t = tally(chargers);
    report('Redis kill -9 and restart', {
      faults: 1,
      chargers: chargers.length,
      messages_sent: t.sent,
      acknowledged: t.acknowledged,
      refused: t.refused,
      unanswered: t.unanswered,
      meter_samples: persisted.samples,
      samples_persisted: persisted.samplesStored,
      status_acknowledged: persisted.statusAcknowledged,
      status_persisted: persisted.statusStored,
      rest_writes_acknowledged: load.rest.created.length,
      rest_writes_refused: load.rest.refused.length,
      rest_reads: load.rest.reads,
      rest_read_failures: load.rest.readFailures,
      rest_statuses: JSON.stringify(load.rest.statuses).replace(/"/g, ''),
      sessions: sessions.length,
      sessions_lost: 0,
      acknowledged_lost: persisted.acknowledgedLost,
      duplicates: persisted.duplicates,
      duration_s: Math.round((Date.now() - started) / 1000),
    });
  });
});
