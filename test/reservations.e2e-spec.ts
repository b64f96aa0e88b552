import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueName } from '@csms/queues';
import { ReservationsMaintenanceService } from '../apps/api/src/reservations/reservations-maintenance.service';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { seedMember } from './support/members';
import { OcppProtocol, TestCharger, aChargePoint, eventually } from './support/ocpp-charger';
import { SignedUp, bearer, createApiKey, signUp } from './support/session';

const WAIT_MS = 1500;
const TAG = 'TAG-RES-1';
const OTHER_TAG = 'TAG-RES-2';
const EMAIL_TAG = 'driver@example.com';
const TAG_25 = 'TAG-TWENTY-FIVE-CHARS-XYZ';

describe('reservations: REST → ReserveNow / CancelReservation → charger, expiry, use', () => {
  let stack: TestStack;
  let api: RunningApp;
  let gateway: RunningApp;
  let owner: SignedUp;
  let db: DataSource;
  const chargers: TestCharger[] = [];

  const inMinutes = (minutes: number, from = api.clock.nowMs()) =>
    new Date(from + minutes * 60_000).toISOString();
  const reserve = (body: object, token = owner.token) =>
    api.http().post('/api/v1/reservations').set(bearer(token)).send(body);
  const getReservation = (id: string, token = owner.token) =>
    api.http().get(`/api/v1/reservations/${id}`).set(bearer(token));
  const cancel = (id: string, token = owner.token) =>
    api.http().delete(`/api/v1/reservations/${id}`).set(bearer(token));

  /** A connected charger that reported connector 1 (1.6) / EVSE 1 (2.0.1) Available. */
  async function reservableCharger(protocol: OcppProtocol, orgId = owner.orgId): Promise<TestCharger> {
    const cp = await aChargePoint(api, orgId, { id: `cp_res_${randomBytes(4).toString('hex')}` });
    const charger = new TestCharger(gateway, cp.id, protocol);
    chargers.push(charger);
    await charger.connect();
    await eventually(async () => {
      const [row] = await db.query(`SELECT connected_ocpp_version FROM charge_points WHERE id = $1`, [cp.id]);
      expect(row.connected_ocpp_version).toBe(protocol === 'ocpp1.6' ? '1.6' : '2.0.1');
    });
    await (protocol === 'ocpp1.6'
      ? charger.client.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })
      : charger.client.call('BootNotification', {
          reason: 'PowerUp',
          chargingStation: { model: 'M', vendorName: 'V' },
        }));
    await status(charger, 'Available');
    return charger;
  }

  function status(charger: TestCharger, state: string, connector = 1): Promise<unknown> {
    return charger.protocol === 'ocpp1.6'
      ? charger.client.call('StatusNotification', {
          connectorId: connector,
          errorCode: state === 'Faulted' ? 'GroundFailure' : 'NoError',
          status: state,
          timestamp: new Date().toISOString(),
        })
      : charger.client.call('StatusNotification', {
          timestamp: new Date().toISOString(),
          connectorStatus: state,
          evseId: connector,
          connectorId: 1,
        });
  }

  async function offline(charger: TestCharger): Promise<void> {
    await charger.close();
    await eventually(async () => {
      const res = await api.http().get(`/api/v1/charge-points/${charger.identity}`).set(bearer(owner.token));
      expect(res.body.connected).toBe(false);
    });
  }

  beforeAll(async () => {
    stack = await createTestStack({
      COMMAND_SWEEP_INTERVAL_SECONDS: '0',
      RESERVATION_SWEEP_INTERVAL_SECONDS: '0',
    });
    api = await startApi(stack, { COMMAND_WAIT_MS: String(WAIT_MS) });
    gateway = await startGateway(stack);
    owner = await signUp(api);
    db = api.app.get(DataSource);
    for (const value of [TAG, OTHER_TAG, EMAIL_TAG, TAG_25]) {
      await api.http().post('/api/v1/id-tags').set(bearer(owner.token)).send({ value }).expect(201);
    }
  });

  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
  });

  describe('happy path', () => {
    it('1.6: the charger gets ReserveNow, answers Accepted (201), and a start with the reservation id uses it', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const expiry = inMinutes(30);
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: expiry,
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        charge_point_id: charger.identity,
        connector_id: 1,
        id_tag: TAG,
        expiry_date: new Date(expiry).toISOString(),
        status: 'active',
      });
      expect(res.body.reservation_id).toMatch(/^res_/);
      expect(res.body.created_at).toEqual(expect.any(String));
      expect(Number.isInteger(res.body.ocpp_reservation_id)).toBe(true);

      const call = await charger.nextCall('ReserveNow');
      expect(call.params).toEqual({
        connectorId: 1,
        expiryDate: new Date(expiry).toISOString(),
        idTag: TAG,
        reservationId: res.body.ocpp_reservation_id,
      });

      const start: any = await charger.client.call('StartTransaction', {
        connectorId: 1,
        idTag: TAG,
        meterStart: 0,
        timestamp: new Date().toISOString(),
        reservationId: res.body.ocpp_reservation_id,
      });
      expect(start.idTagInfo.status).toBe('Accepted');
      const [session] = await db.query(
        `SELECT id FROM charging_sessions WHERE charge_point_id = $1 AND ocpp_transaction_id = $2`,
        [charger.identity, start.transactionId],
      );
      const used = await getReservation(res.body.reservation_id);
      expect(used.body).toMatchObject({ status: 'used', session_id: session.id });
      const late = await cancel(res.body.reservation_id);
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'reservation_not_active', reservation_status: 'used' });
    });

    it('2.0.1: ReserveNow carries id, evseId, expiryDateTime and idToken; a TransactionEvent with reservationId uses it', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      const expiry = inMinutes(30);
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: expiry,
        id_tag: EMAIL_TAG,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'active', id_tag: EMAIL_TAG, ocpp_version: '2.0.1' });
      const call = await charger.nextCall('ReserveNow');
      expect(call.params).toEqual({
        id: res.body.ocpp_reservation_id,
        evseId: 1,
        expiryDateTime: new Date(expiry).toISOString(),
        idToken: { idToken: EMAIL_TAG, type: 'ISO14443' },
      });

      await charger.client.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: new Date().toISOString(),
        triggerReason: 'Authorized',
        seqNo: 0,
        reservationId: res.body.ocpp_reservation_id,
        transactionInfo: { transactionId: 'tx-res-201' },
        idToken: { idToken: EMAIL_TAG, type: 'ISO14443' },
        evse: { id: 1, connectorId: 1 },
      });
      const [session] = await db.query(
        `SELECT id FROM charging_sessions WHERE charge_point_id = $1 AND transaction_id = 'tx-res-201'`,
        [charger.identity],
      );
      expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
        status: 'used',
        session_id: session.id,
      });
    });

    it('a start by the reserved id tag on the reserved connector uses it even without the reservation id', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG.toLowerCase(),
      });
      expect(res.status).toBe(201);
      // The charger is told the registered value.
      expect((await charger.nextCall('ReserveNow')).params.idTag).toBe(TAG);
      await charger.client.call('StartTransaction', {
        connectorId: 1,
        idTag: TAG,
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      expect((await getReservation(res.body.reservation_id)).body.status).toBe('used');
    });

    it('2.0.1: a TransactionEvent by the reserved id token on the reserved EVSE uses it', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: OTHER_TAG,
      });
      expect(res.status).toBe(201);
      await charger.client.call('TransactionEvent', {
        eventType: 'Started',
        timestamp: new Date().toISOString(),
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: 'tx-res-by-tag' },
        idToken: { idToken: OTHER_TAG, type: 'ISO14443' },
        evse: { id: 1, connectorId: 1 },
      });
      expect((await getReservation(res.body.reservation_id)).body.status).toBe('used');
    });
  });

  describe('charger answers', () => {
    it.each(['Occupied', 'Faulted', 'Unavailable', 'Rejected'])(
      'answers 409 %s and keeps the reservation as rejected',
      async (answer) => {
        const charger = await reservableCharger('ocpp1.6');
        charger.answer('ReserveNow', () => ({ status: answer }));
        const res = await reserve({
          charge_point_id: charger.identity,
          connector_id: 1,
          expiry_date: inMinutes(30),
          id_tag: TAG,
        });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: answer.toLowerCase(), reason: answer });
        const id = res.body.reservation.reservation_id;
        expect((await getReservation(id)).body).toMatchObject({ status: 'rejected', status_reason: answer });
        // A rejected reservation does not hold the connector.
        charger.answer('ReserveNow', () => ({ status: 'Accepted' }));
        const again = await reserve({
          charge_point_id: charger.identity,
          connector_id: 1,
          expiry_date: inMinutes(30),
          id_tag: TAG,
        });
        expect(again.status).toBe(201);
      },
    );

    it('answers 409 charge_point_offline for a charger that is not connected, and keeps no reservation', async () => {
      const charger = await reservableCharger('ocpp1.6');
      await offline(charger);
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('charge_point_offline');
      const list = await api
        .http()
        .get(`/api/v1/reservations?charge_point_id=${charger.identity}`)
        .set(bearer(owner.token));
      expect(list.body.total).toBe(0);
    });

    it('answers 202 pending for a slow charger; the late answer makes it active without the api waiting', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      const held = charger.hold('ReserveNow');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('pending');
      expect(res.headers.location).toBe(`/api/v1/reservations/${res.body.reservation_id}`);
      held.release({ status: 'Accepted' });
      await eventually(async () =>
        expect((await getReservation(res.body.reservation_id)).body.status).toBe('active'),
      );
    });

    it('a late Occupied makes a pending reservation rejected', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const held = charger.hold('ReserveNow');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(202);
      held.release({ status: 'Occupied' });
      await eventually(async () =>
        expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
          status: 'rejected',
          status_reason: 'Occupied',
        }),
      );
    });

    it('the sweep settles a pending reservation whose ReserveNow ended without the worker (rejected with the reason)', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const held = charger.hold('ReserveNow');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(202);
      await charger.nextCall('ReserveNow');
      // As the command sweeper does for a call nobody will answer.
      await db.query(
        `UPDATE commands SET state = 'failed', error_code = 'no_answer_recorded' WHERE id = $1 AND state = 'sent'`,
        [res.body.command_id],
      );
      await api.app.get(ReservationsMaintenanceService).sweep();
      expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
        status: 'rejected',
        status_reason: 'no_answer_recorded',
      });
      // The answer that comes after all changes nothing.
      held.release({ status: 'Accepted' });
      await new Promise((r) => setTimeout(r, 300));
      expect((await getReservation(res.body.reservation_id)).body.status).toBe('rejected');
    });
  });

  describe('cancel', () => {
    it('sends CancelReservation and answers 204; a second cancel is 409', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      const del = await cancel(res.body.reservation_id);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      const call = await charger.nextCall('CancelReservation');
      expect(call.params).toEqual({ reservationId: res.body.ocpp_reservation_id });
      expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
        status: 'cancelled',
        status_reason: 'cancelled_by_request',
      });
      const again = await cancel(res.body.reservation_id);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'reservation_not_active', reservation_status: 'cancelled' });
    });

    it('2.0.1: CancelReservation reaches the charger', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect((await cancel(res.body.reservation_id)).status).toBe(204);
      expect((await charger.nextCall('CancelReservation')).params).toEqual({
        reservationId: res.body.ocpp_reservation_id,
      });
    });

    it('cancels locally when the charger is offline (202, queued) and delivers CancelReservation on reconnect', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      await offline(charger);
      const del = await cancel(res.body.reservation_id);
      expect(del.status).toBe(202);
      expect(del.body).toMatchObject({
        reservation_id: res.body.reservation_id,
        status: 'cancelled',
        cancel_delivery: 'queued_until_reconnect',
      });
      const command = await api
        .http()
        .get(`/api/v1/commands/${del.body.cancel_command_id}`)
        .set(bearer(owner.token));
      expect(command.body.state).toBe('queued');

      const back = new TestCharger(gateway, charger.identity, 'ocpp1.6');
      chargers.push(back);
      await back.connect();
      expect((await back.nextCall('CancelReservation')).params).toEqual({
        reservationId: res.body.ocpp_reservation_id,
      });
      // A start with the cancelled reservation's id does not use it.
      await back.client.call('StartTransaction', {
        connectorId: 1,
        idTag: TAG,
        meterStart: 0,
        timestamp: new Date().toISOString(),
        reservationId: res.body.ocpp_reservation_id,
      });
      expect((await getReservation(res.body.reservation_id)).body.status).toBe('cancelled');
    });

    it('a queued cancellation reaches a charger that comes back speaking the other OCPP version', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      await offline(charger);
      expect((await cancel(res.body.reservation_id)).status).toBe(202);
      const back = new TestCharger(gateway, charger.identity, 'ocpp2.0.1');
      chargers.push(back);
      await back.connect();
      expect((await back.nextCall('CancelReservation')).params).toEqual({
        reservationId: res.body.ocpp_reservation_id,
      });
    });
  });

  describe('lifecycle', () => {
    it('expires at the expiry date through the delayed job', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: new Date(api.clock.nowMs() + 1500).toISOString(),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      await eventually(
        async () => expect((await getReservation(res.body.reservation_id)).body.status).toBe('expired'),
        8000,
      );
      const cancelled = await cancel(res.body.reservation_id);
      expect(cancelled.status).toBe(409);
      expect(cancelled.body.reservation_status).toBe('expired');
    });

    it('expires from Postgres when Redis lost the job, exactly once', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(10),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      const queue = api.app.get<Queue>(getQueueToken(QueueName.Reservations));
      expect(await queue.getJob(res.body.reservation_id)).toBeTruthy();
      await queue.obliterate({ force: true });
      expect(await queue.getJob(res.body.reservation_id)).toBeUndefined();

      const sweeper = api.app.get(ReservationsMaintenanceService);
      api.clock.advance(11 * 60_000);
      try {
        expect((await sweeper.sweep()).expired).toBeGreaterThanOrEqual(1);
        const expired = await getReservation(res.body.reservation_id);
        expect(expired.body.status).toBe('expired');
        // A second run (or a late job) changes nothing.
        await sweeper.sweep();
        expect((await getReservation(res.body.reservation_id)).body.ended_at).toBe(expired.body.ended_at);
      } finally {
        api.clock.reset();
      }
    });

    it('honours 2.0.1 ReservationStatusUpdate Expired and Removed', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      await status(charger, 'Available', 2);
      const first = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      const second = await reserve({
        charge_point_id: charger.identity,
        connector_id: 2,
        expiry_date: inMinutes(30),
        id_tag: OTHER_TAG,
      });
      expect([first.status, second.status]).toEqual([201, 201]);
      await charger.client.call('ReservationStatusUpdate', {
        reservationId: first.body.ocpp_reservation_id,
        reservationUpdateStatus: 'Expired',
      });
      await charger.client.call('ReservationStatusUpdate', {
        reservationId: second.body.ocpp_reservation_id,
        reservationUpdateStatus: 'Removed',
      });
      expect((await getReservation(first.body.reservation_id)).body.status).toBe('expired');
      expect((await getReservation(second.body.reservation_id)).body).toMatchObject({
        status: 'cancelled',
        status_reason: 'removed_by_charger',
      });
    });

    it('a connector going Faulted ends its active reservation, with the reason', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      await status(charger, 'Faulted');
      expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
        status: 'cancelled',
        status_reason: 'connector_faulted',
      });
    });

    it('a 2.0.1 EVSE going Unavailable ends its active reservation', async () => {
      const charger = await reservableCharger('ocpp2.0.1');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      await status(charger, 'Unavailable');
      expect((await getReservation(res.body.reservation_id)).body).toMatchObject({
        status: 'cancelled',
        status_reason: 'connector_unavailable',
      });
    });

    it('refuses a RemoteStart through the api on a reserved connector for another id tag (409)', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      const send = (idTag: string) =>
        api
          .http()
          .post(`/api/v1/charge-points/${charger.identity}/actions/remote-start`)
          .set(bearer(owner.token))
          .send({ connector_id: 1, id_tag: idTag });
      const other = await send(OTHER_TAG);
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({
        code: 'connector_reserved',
        reservation_id: res.body.reservation_id,
      });
      expect(charger.callsOf('RemoteStartTransaction')).toHaveLength(0);
      expect((await send(TAG)).status).toBe(200);
    });
  });

  describe('no double booking', () => {
    it('20 concurrent POSTs for one connector: exactly one 201, the others 409', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const body = {
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(30),
        id_tag: TAG,
      };
      const results = await Promise.all(Array.from({ length: 20 }, () => reserve(body)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body.code).toBe('connector_reserved');
      }
      expect(charger.callsOf('ReserveNow')).toHaveLength(1);
    });
  });

  describe('list and get', () => {
    it('filters by charge point, status and id tag, with pagination', async () => {
      const charger = await reservableCharger('ocpp1.6');
      await status(charger, 'Available', 2);
      await status(charger, 'Available', 3);
      const make = (connector: number, tag: string) =>
        reserve({
          charge_point_id: charger.identity,
          connector_id: connector,
          expiry_date: inMinutes(30),
          id_tag: tag,
        });
      const a = await make(1, TAG);
      const b = await make(2, OTHER_TAG);
      const c = await make(3, TAG);
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect((await cancel(c.body.reservation_id)).status).toBe(204);

      const list = (query: string) =>
        api
          .http()
          .get(`/api/v1/reservations?charge_point_id=${charger.identity}&${query}`)
          .set(bearer(owner.token));
      const all = await list('');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
      expect(all.body.data.map((r: any) => r.reservation_id)).toEqual([
        c.body.reservation_id,
        b.body.reservation_id,
        a.body.reservation_id,
      ]);
      const active = await list('status=active');
      expect(active.body.data.map((r: any) => r.reservation_id).sort()).toEqual(
        [a.body.reservation_id, b.body.reservation_id].sort(),
      );
      const byTag = await list(`id_tag=${TAG.toLowerCase()}`);
      expect(byTag.body.total).toBe(2);
      const paged = await list('limit=1&offset=1');
      expect(paged.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(paged.body.data[0].reservation_id).toBe(b.body.reservation_id);
      expect((await list('status=bogus')).status).toBe(400);
    });
  });

  describe('validation, tenancy and permissions', () => {
    let charger: TestCharger;
    beforeAll(async () => {
      charger = await reservableCharger('ocpp1.6');
    });
    const valid = () => ({
      charge_point_id: charger.identity,
      connector_id: 1,
      expiry_date: inMinutes(30),
      id_tag: TAG,
    });

    it.each([
      ['a past expiry date', { expiry_date: new Date(Date.now() - 60_000).toISOString() }, 'expiry_date'],
      [
        'an expiry beyond the maximum',
        { expiry_date: new Date(Date.now() + 2 * 86400_000).toISOString() },
        'expiry_date',
      ],
      ['a malformed expiry date', { expiry_date: 'tomorrow' }, 'expiry_date'],
      ['a missing charge point', { charge_point_id: undefined }, 'charge_point_id'],
      ['a missing id tag', { id_tag: undefined }, 'id_tag'],
      ['a connector the charge point does not have', { connector_id: 9 }, 'connector_id'],
      ['a connector that is not an integer', { connector_id: '1' }, 'connector_id'],
      ['an unknown field', { colour: 'red' }, 'colour'],
      ['connector 0 (the charger itself)', { connector_id: 0 }, 'connector_id'],
      ['an impossible date', { expiry_date: '2030-13-45T00:00:00Z' }, 'expiry_date'],
      ['an empty id tag', { id_tag: '' }, 'id_tag'],
      ['a charge point id that is not a string', { charge_point_id: 42 }, 'charge_point_id'],
    ])('answers 400 naming the field for %s', async (_label, change, field) => {
      const res = await reserve({ ...valid(), ...change });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    });

    it('answers 400, never a 500, for a body that is not an object', async () => {
      for (const body of [[valid()], 'text', 42]) {
        const res = await api
          .http()
          .post('/api/v1/reservations')
          .set(bearer(owner.token))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        expect(res.status).toBe(400);
      }
    });

    it('answers 422 naming the limit for an id tag longer than OCPP 1.6 allows', async () => {
      const res = await reserve({ ...valid(), id_tag: TAG_25 });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'id_tag_too_long', max_length: 20 });
      expect(res.body.detail).toContain('20 characters');
      const unknown37 = await reserve({ ...valid(), id_tag: 'x'.repeat(37) });
      expect(unknown37.status).toBe(422);
    });

    it('answers 422 for an id tag that is not registered in the organization', async () => {
      const res = await reserve({ ...valid(), id_tag: 'NOT-REGISTERED' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('id_tag_not_registered');
      expect(res.body.errors[0].field).toBe('id_tag');
    });

    it('is 404 for another organization: its charge point, and our reservation seen from there', async () => {
      const res = await reserve(valid());
      expect(res.status).toBe(201);
      const other = await signUp(api);
      await api.http().post('/api/v1/id-tags').set(bearer(other.token)).send({ value: TAG }).expect(201);
      const foreign = await reserve(valid(), other.token);
      expect(foreign.status).toBe(404);
      expect((await getReservation(res.body.reservation_id, other.token)).status).toBe(404);
      expect((await cancel(res.body.reservation_id, other.token)).status).toBe(404);
      const list = await api.http().get('/api/v1/reservations').set(bearer(other.token));
      expect(list.body.total).toBe(0);
      expect((await getReservation('res_unknown')).status).toBe(404);
      expect((await cancel(res.body.reservation_id)).status).toBe(204);
    });

    it('lets viewers read but not write, refuses billing, and a read-only key cannot write', async () => {
      const viewer = await seedMember(api, owner.orgId, 'viewer');
      const billing = await seedMember(api, owner.orgId, 'billing');
      const member = await seedMember(api, owner.orgId, 'member');
      const readKey = await createApiKey(api, owner.token, ['read:reservations']);
      const writeKey = await createApiKey(api, owner.token, ['read:reservations', 'write:reservations']);

      expect((await reserve(valid(), viewer.token)).status).toBe(403);
      expect((await reserve(valid(), billing.token)).status).toBe(403);
      expect((await reserve(valid(), readKey.key)).status).toBe(403);
      expect((await api.http().get('/api/v1/reservations').set(bearer(viewer.token))).status).toBe(200);
      expect((await api.http().get('/api/v1/reservations').set(bearer(billing.token))).status).toBe(403);
      expect((await api.http().get('/api/v1/reservations').set(bearer(readKey.key))).status).toBe(200);

      const made = await reserve(valid(), member.token);
      expect(made.status).toBe(201);
      expect((await cancel(made.body.reservation_id, viewer.token)).status).toBe(403);
      expect((await cancel(made.body.reservation_id, writeKey.key)).status).toBe(204);
    });
  });

  describe('after an api restart with Redis flushed', () => {
    it('the new api expires the overdue reservation from Postgres on its sweep', async () => {
      const charger = await reservableCharger('ocpp1.6');
      const res = await reserve({
        charge_point_id: charger.identity,
        connector_id: 1,
        expiry_date: inMinutes(10),
        id_tag: TAG,
      });
      expect(res.status).toBe(201);
      await api.app.get<Queue>(getQueueToken(QueueName.Reservations)).obliterate({ force: true });
      await api.close();
      api = await startApi(stack, {
        COMMAND_WAIT_MS: String(WAIT_MS),
        RESERVATION_SWEEP_INTERVAL_SECONDS: '1',
      });
      db = api.app.get(DataSource);
      api.clock.advance(11 * 60_000);
      await eventually(
        async () => expect((await getReservation(res.body.reservation_id)).body.status).toBe('expired'),
        5000,
      );
    });
  });
});
