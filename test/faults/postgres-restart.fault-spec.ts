import { readFileSync } from 'node:fs';
import { SmtpCapture } from '../support/smtp';
import { FaultCharger, tally } from './support/fault-charger';
import { Load, chargersInTransaction, checkPersistence, checkSessions } from './support/load';
import { AppProcess, sleep, waitUntil } from './support/processes';
import { startLoadedStack, stopLoadedStack } from './support/loaded-stack';
import { FaultStack, Rest, report } from './support/stack';

/**
 * PostgreSQL stopped twice under load (`pg_ctl stop -m fast`, then `-m immediate`, a crash) and started
 * again: the apps recover without a restart, what they acknowledged is stored exactly once, and what
 * they could not store was refused, never acknowledged.
 */
describe('PostgreSQL stopped and restarted under load', () => {
  let stack: FaultStack;
  let api: AppProcess;
  let gateway: AppProcess;
  let rest: Rest;
  let smtp: SmtpCapture;
  let chargers: FaultCharger[] = [];
  const started = Date.now();

  beforeAll(async () => {
    ({ stack, api, gateway, rest, smtp } = await startLoadedStack('node-p'));
  });

  afterAll(() => stopLoadedStack({ stack, smtp }, chargers));

  it('recovers without a restart; acknowledged data is stored once, nothing acknowledged is lost', async () => {
    chargers = await chargersInTransaction(rest, gateway.ocppUrl, 'pg', 4);
    for (const c of chargers) c.autoReconnect = true;
    const load = new Load(chargers, rest).start();
    await sleep(3000);

    for (const mode of ['fast', 'immediate'] as const) {
      await stack.pg.stop(mode);
      await sleep(5000);
      await stack.pg.start();
      await waitUntil('api health', async () => (await api.health()) === 200, 60_000);
      await waitUntil('gateway health', async () => (await gateway.health()) === 200, 60_000);
      await sleep(3000);
    }
    expect(api.running && gateway.running).toBe(true);
    await load.stop();

    for (const c of chargers) {
      await waitUntil(`${c.identity} connected`, () => rest.connected(c.identity), 30_000);
    }
    // New commands reach every charger and their answers are stored.
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
    const invitee = `invitee.pg.${Date.now()}@example.com`;
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
    // The gateway logged the messages it could not store (its own logger, not only HTTP access lines).
    if (chargers.some((c) => c.sent.some((m) => m.detail === 'InternalError'))) {
      expect(readFileSync(gateway.logFile, 'utf8')).toContain('OCPP handler failed');
    }
    // An outage is 503 with Retry-After for REST clients, never a 500.
    expect(Object.keys(load.rest.statuses).filter((s) => !['200', '201', '503'].includes(s))).toEqual([]);

    const t = tally(chargers);
    report('PostgreSQL stop -m fast and -m immediate, restart', {
      faults: stack.pg.stops,
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
