import { SmtpCapture, invitationToken } from '../support/smtp';
import { FaultCharger } from './support/fault-charger';
import { AppProcess, sleep, waitUntil } from './support/processes';
import { FaultStack, Rest, report } from './support/stack';

/**
 * kill -9 of the api while reservations wait for their expiry job and invitation emails wait for an
 * SMTP server that refuses them: after the restart every reservation expires exactly once and every
 * email is delivered exactly once.
 */
describe('the api killed with expiries and emails pending', () => {
  let stack: FaultStack;
  let api: AppProcess;
  let gateway: AppProcess;
  let rest: Rest;
  let smtp: SmtpCapture;
  let charger: FaultCharger;
  const started = Date.now();

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    stack = await FaultStack.create({
      COMMAND_WAIT_MS: '5000',
      RESERVATION_SWEEP_INTERVAL_SECONDS: '2',
      OUTBOX_RECONCILE_INTERVAL_SECONDS: '2',
      SMTP_URL: smtp.url,
    });
    api = await stack.start('api', 'api');
    gateway = await stack.start('gateway', 'node-x');
    rest = new Rest(api);
    await rest.signUp();
  });

  afterAll(async () => {
    await charger?.retire();
    await stack?.dispose();
    await smtp?.close();
  });

  it('expires every reservation and sends every email exactly once after the restart', async () => {
    // Every change of a reservation to `expired` is counted by the database itself.
    await stack.query(
      `CREATE TABLE fault_expiries (reservation_id varchar NOT NULL, at timestamptz NOT NULL)`,
    );
    await stack.query(`CREATE FUNCTION fault_count_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO fault_expiries VALUES (NEW.id, clock_timestamp()); RETURN NEW; END $$`);
    await stack.query(`CREATE TRIGGER fault_count_expiry AFTER UPDATE ON reservations FOR EACH ROW
      WHEN (NEW.status = 'expired' AND OLD.status IS DISTINCT FROM 'expired') EXECUTE FUNCTION fault_count_expiry()`);

    charger = new FaultCharger('restart-1', await rest.chargePoint('restart-1'));
    await charger.connect(gateway.ocppUrl);
    await charger.boot();
    for (let connector = 1; connector <= 4; connector++) await charger.status('Available', connector);

    // Four reservations: three expire while the api is down, one after it is back.
    const reservations: Array<{ id: string; expiry: number }> = [];
    const soon = Date.now() + 15_000;
    for (let connector = 1; connector <= 4; connector++) {
      const tag = `RESTART-TAG-${connector}`;
      await rest.idTag(tag);
      const expiry = connector < 4 ? soon : Date.now() + 40_000;
      const body = await rest.expect(201, 'POST', '/api/v1/reservations', {
        charge_point_id: charger.identity,
        connector_id: connector,
        expiry_date: new Date(expiry).toISOString(),
        id_tag: tag,
      });
      expect(body.status).toBe('active');
      reservations.push({ id: body.reservation_id, expiry });
    }
    expect(charger.callsOf('ReserveNow')).toHaveLength(4);

    // Three invitations whose emails the SMTP server refuses (451): they stay pending, retried.
    smtp.rejecting = true;
    const invitees = [1, 2, 3].map((i) => `invitee.${i}.${Date.now()}@example.com`);
    for (const email of invitees) {
      await rest.expect(201, 'POST', `/api/v1/organizations/${rest.orgId}/invitations`, {
        email,
        role: 'viewer',
      });
    }
    await waitUntil('the first attempts to be refused', async () => smtp.rejected >= invitees.length, 30_000);
    const pending = await stack.query(
      `SELECT count(*)::int AS n FROM outbound_emails WHERE status = 'pending'`,
    );
    expect(pending[0].n).toBe(invitees.length);

    await api.kill();
    smtp.rejecting = false;
    // The first three expiry dates pass while no api runs.
    await sleep(Math.max(0, soon - Date.now()) + 2000);
    expect(await stack.query(`SELECT * FROM fault_expiries`)).toEqual([]);
    await api.start();

    for (const r of reservations) {
      await waitUntil(
        `reservation ${r.id} to expire`,
        async () => (await rest.expect(200, 'GET', `/api/v1/reservations/${r.id}`)).status === 'expired',
        90_000,
      );
    }
    for (const email of invitees) await smtp.waitFor(email, 1, 90_000);
    // Give the reconciler and the retried jobs time to send anything twice.
    await sleep(6000);

    const expiries = await stack.query<{ reservation_id: string; at: Date }>(`SELECT * FROM fault_expiries`);
    for (const r of reservations) {
      const rows = expiries.filter((e) => e.reservation_id === r.id);
      expect(rows).toHaveLength(1);
      expect(new Date(rows[0].at).getTime()).toBeGreaterThanOrEqual(r.expiry);
    }
    for (const email of invitees) {
      expect(smtp.to(email)).toHaveLength(1);
      expect(invitationToken(smtp.to(email)[0])).toMatch(/^csms_inv_/);
    }
    const emails = await stack.query(
      `SELECT status, count(*)::int AS n FROM outbound_emails GROUP BY status`,
    );
    expect(emails).toEqual([{ status: 'sent', n: invitees.length }]);

    report('api kill -9 with pending expiries and emails', {
      faults: 1,
      reservations: reservations.length,
      expired_once: reservations.length,
      emails: invitees.length,
      smtp_refusals: smtp.rejected,
      delivered_once: invitees.filter((e) => smtp.to(e).length === 1).length,
      duplicates: 0,
      duration_s: Math.round((Date.now() - started) / 1000),
    });
  });
});
