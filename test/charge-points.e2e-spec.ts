import { DataSource } from 'typeorm';
import { aChargePoint, uniqueIdentity } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { SignedUp, bearer, createApiKey, signUp } from './support/session';

describe('charge points, EVSEs, connectors and id tags (REST)', () => {
  let stack: TestStack;
  let api: RunningApp;
  let owner: SignedUp;
  let other: SignedUp;

  const as = (token: string) => ({
    get: (path: string) => api.http().get(path).set(bearer(token)),
    post: (path: string, body: object) => api.http().post(path).set(bearer(token)).send(body),
    patch: (path: string, body: object) => api.http().patch(path).set(bearer(token)).send(body),
    delete: (path: string) => api.http().delete(path).set(bearer(token)),
  });
  const fields = (res: { body: { errors?: Array<{ field: string }> } }) =>
    (res.body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    owner = await signUp(api);
    other = await signUp(api);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  describe('charge points', () => {
    it('registers a charge point with defaults and read-only live data', async () => {
      const id = uniqueIdentity();
      const res = await as(owner.token).post('/api/v1/charge-points', {
        id,
        name: 'Bay 1',
        location: 'Level 1',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id,
        name: 'Bay 1',
        ocpp_version: 'auto',
        registration_status: 'accepted',
        security_profile: 1,
        location: 'Level 1',
        project_id: null,
        password_set: false,
        vendor: null,
        connected: false,
        gateway_node: null,
        last_seen_at: null,
      });
    });

    it('keeps the unfiltered total in step with the fleet: concurrent creates, decommissions, bulk SQL', async () => {
      const org = await signUp(api);
      const db = api.app.get(DataSource);
      const created = await Promise.all(Array.from({ length: 6 }, () => aChargePoint(api, org.token)));
      await as(org.token).delete(`/api/v1/charge-points/${created[0].id}`).expect(204);
      await as(org.token).delete(`/api/v1/charge-points/${created[1].id}`).expect(204);
      const counted = async () => {
        const [{ counter, live }] = await db.query(
          `SELECT (SELECT live FROM charge_point_counts WHERE organization_id = $1) AS counter,
                  (SELECT count(*)::int FROM charge_points WHERE organization_id = $1
                     AND decommissioned_at IS NULL) AS live`,
          [org.orgId],
        );
        const list = await as(org.token).get('/api/v1/charge-points?limit=2');
        const filtered = await as(org.token).get(
          '/api/v1/charge-points?limit=2&registration_status=accepted',
        );
        return { counter, live, total: list.body.total, filtered: filtered.body.total };
      };
      expect(await counted()).toEqual({ counter: 4, live: 4, total: 4, filtered: 4 });
      // Rows written by SQL in one statement (an import), undone, and removed, are counted by the triggers too.
      await db.query(
        `INSERT INTO charge_points (id, organization_id, name, ocpp_version, registration_status, security_profile)
         SELECT 'bulk-' || g || '-' || $2, $1, 'bulk', 'auto', 'accepted', 1 FROM generate_series(1, 3) g`,
        [org.orgId, uniqueIdentity().slice(0, 20)],
      );
      expect(await counted()).toEqual({ counter: 7, live: 7, total: 7, filtered: 7 });
      await db.query(`UPDATE charge_points SET decommissioned_at = NULL WHERE id = $1`, [created[0].id]);
      await db.query(`DELETE FROM charge_points WHERE organization_id = $1 AND name = 'bulk'`, [org.orgId]);
      expect(await counted()).toEqual({ counter: 5, live: 5, total: 5, filtered: 5 });
    });

    it('refuses an identity already taken, even by another organization, with 409', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const res = await as(other.token).post('/api/v1/charge-points', { id });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('charge_point_exists');
    });

    it('answers bad input with 400 naming the fields', async () => {
      const res = await as(owner.token).post('/api/v1/charge-points', {
        id: 'has space',
        security_profile: 5,
        ocpp_version: '1.5',
        registration_status: null,
        password: 'short',
        project_id: 'nope',
        colour: 'red',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(new Set(fields(res))).toEqual(
        new Set([
          'id',
          'security_profile',
          'ocpp_version',
          'registration_status',
          'password',
          'project_id',
          'colour',
        ]),
      );
      const tooLong = await as(owner.token).post('/api/v1/charge-points', { id: 'x'.repeat(49) });
      expect(fields(tooLong)).toEqual(['id']);
    });

    it('lists the organization’s charge points with pagination and filters, without decommissioned ones', async () => {
      const org = await signUp(api);
      const a = await aChargePoint(api, org.token, { name: 'North gate' });
      const b = await aChargePoint(api, org.token, { name: 'South gate', registration_status: 'pending' });
      const c = await aChargePoint(api, org.token, { name: 'Removed' });
      await as(org.token).delete(`/api/v1/charge-points/${c.id}`).expect(204);

      const all = await as(org.token).get('/api/v1/charge-points?limit=1');
      expect(all.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
      expect(all.body.data).toHaveLength(1);
      // Newest first; the second page holds the other one; past the end the total is still right.
      const second = await as(org.token).get('/api/v1/charge-points?limit=1&offset=1');
      expect([all.body.data[0].id, second.body.data[0].id]).toEqual([b.id, a.id]);
      // The list writes its timestamps in SQL: the same view, to the millisecond, as reading one.
      expect(all.body.data[0]).toEqual((await as(org.token).get(`/api/v1/charge-points/${b.id}`)).body);
      expect(all.body.data[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(second.body.total).toBe(2);
      const past = await as(org.token).get('/api/v1/charge-points?limit=5&offset=10');
      expect(past.body).toMatchObject({ data: [], total: 2, offset: 10 });
      const pending = await as(org.token).get('/api/v1/charge-points?registration_status=pending');
      expect(pending.body.data.map((cp: { id: string }) => cp.id)).toEqual([b.id]);
      const search = await as(org.token).get('/api/v1/charge-points?q=north');
      expect(search.body.data.map((cp: { id: string }) => cp.id)).toEqual([a.id]);
      const bad = await as(org.token).get('/api/v1/charge-points?limit=1000&registration_status=maybe');
      expect(bad.status).toBe(400);
      expect(new Set(fields(bad))).toEqual(new Set(['limit', 'registration_status']));
    });

    it('updates a charge point and refuses null for fields that cannot be empty', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const res = await as(owner.token).patch(`/api/v1/charge-points/${id}`, {
        name: 'Renamed',
        ocpp_version: '2.0.1',
        security_profile: 2,
        location: null,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        ocpp_version: '2.0.1',
        security_profile: 2,
        location: null,
      });
      const bad = await as(owner.token).patch(`/api/v1/charge-points/${id}`, {
        security_profile: null,
        id: 'other',
      });
      expect(bad.status).toBe(400);
      expect(new Set(fields(bad))).toEqual(new Set(['security_profile', 'id']));
    });

    it("answers 404 for another organization's charge point on every route", async () => {
      const { id } = await aChargePoint(api, owner.token);
      const them = as(other.token);
      for (const res of [
        await them.get(`/api/v1/charge-points/${id}`),
        await them.patch(`/api/v1/charge-points/${id}`, { name: 'x' }),
        await them.delete(`/api/v1/charge-points/${id}`),
        await them.post(`/api/v1/charge-points/${id}/password`, {}),
        await them.get(`/api/v1/charge-points/${id}/status`),
        await them.get(`/api/v1/charge-points/${id}/status-history`),
        await them.get(`/api/v1/charge-points/${id}/messages`),
        await them.get(`/api/v1/charge-points/${id}/evses`),
        await them.post(`/api/v1/charge-points/${id}/evses`, { evse_id: 1 }),
      ]) {
        expect(res.status).toBe(404);
      }
      expect((await as(owner.token).get(`/api/v1/charge-points/${id}`)).status).toBe(200);
    });

    it('lets viewers and read-only API keys read but not write', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const viewer = await seedMember(api, owner.orgId, 'viewer');
      expect((await as(viewer.token).get(`/api/v1/charge-points/${id}`)).status).toBe(200);
      expect((await as(viewer.token).patch(`/api/v1/charge-points/${id}`, { name: 'x' })).status).toBe(403);
      const key = await createApiKey(api, owner.token, ['read:charge_points']);
      const read = await api.http().get('/api/v1/charge-points').set('X-API-Key', key.key);
      expect(read.status).toBe(200);
      const write = await api
        .http()
        .post('/api/v1/charge-points')
        .set('X-API-Key', key.key)
        .send({ id: uniqueIdentity() });
      expect(write.status).toBe(403);
    });

    it('sets a password of 16 to 40 characters and refuses others', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const short = await as(owner.token).post(`/api/v1/charge-points/${id}/password`, {
        password: 'x'.repeat(15),
      });
      expect(short.status).toBe(400);
      expect(fields(short)).toEqual(['password']);
      const long = await as(owner.token).post(`/api/v1/charge-points/${id}/password`, {
        password: 'x'.repeat(41),
      });
      expect(long.status).toBe(400);
      const ok = await as(owner.token).post(`/api/v1/charge-points/${id}/password`, {
        password: 'x'.repeat(40),
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ generated: false, push_requested: false });
      expect((await as(owner.token).get(`/api/v1/charge-points/${id}`)).body.password_set).toBe(true);
    });
  });

  describe('EVSEs and connectors', () => {
    it('creates, reads, updates and deletes EVSEs and connectors by their OCPP numbers', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const me = as(owner.token);
      const created = await me.post(`/api/v1/charge-points/${id}/evses`, {
        evse_id: 1,
        max_power_kw: 22,
        connectors: [{ connector_id: 1, connector_type: 'cType2', max_power_kw: 22 }],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        evse_id: 1,
        max_power_kw: 22,
        source: 'operator',
        connectors: [{ connector_id: 1, connector_type: 'cType2', max_power_kw: 22, status: null }],
      });
      expect(created.body.id).toMatch(/^evse_/);
      expect((await me.post(`/api/v1/charge-points/${id}/evses`, { evse_id: 1 })).status).toBe(409);

      const added = await me.post(`/api/v1/charge-points/${id}/evses/1/connectors`, {
        connector_id: 2,
        connector_type: 'cCCS2',
      });
      expect(added.status).toBe(201);
      expect(added.body.id).toMatch(/^conn_/);
      expect(
        (await me.post(`/api/v1/charge-points/${id}/evses/1/connectors`, { connector_id: 2 })).status,
      ).toBe(409);
      const patched = await me.patch(`/api/v1/charge-points/${id}/evses/1/connectors/2`, {
        max_power_kw: 150,
      });
      expect(patched.body).toMatchObject({ connector_id: 2, connector_type: 'cCCS2', max_power_kw: 150 });
      expect((await me.get(`/api/v1/charge-points/${id}/evses/1/connectors`)).body.total).toBe(2);

      await me.delete(`/api/v1/charge-points/${id}/evses/1/connectors/2`).expect(204);
      expect((await me.get(`/api/v1/charge-points/${id}/evses/1/connectors/2`)).status).toBe(404);
      expect(
        (await me.patch(`/api/v1/charge-points/${id}/evses/1`, { max_power_kw: 11 })).body.max_power_kw,
      ).toBe(11);
      await me.delete(`/api/v1/charge-points/${id}/evses/1`).expect(204);
      expect((await me.get(`/api/v1/charge-points/${id}/evses`)).body).toEqual({ data: [], total: 0 });
    });

    it('answers bad EVSE and connector input with 400 naming the field', async () => {
      const { id } = await aChargePoint(api, owner.token);
      const me = as(owner.token);
      const badPath = await me.get(`/api/v1/charge-points/${id}/evses/one`);
      expect(badPath.status).toBe(400);
      expect(fields(badPath)).toEqual(['evse_id']);
      const badBody = await me.post(`/api/v1/charge-points/${id}/evses`, {
        evse_id: 0,
        connectors: [{ connector_id: 1, connector_type: 'Schuko' }],
      });
      expect(badBody.status).toBe(400);
      expect(new Set(fields(badBody))).toEqual(new Set(['evse_id', 'connectors.0.connector_type']));
    });
  });

  describe('id tags', () => {
    it('creates, lists, updates and deletes id tags; values are unique case-insensitively', async () => {
      const me = as(owner.token);
      const created = await me.post('/api/v1/id-tags', {
        value: 'CaseTag01',
        type: 'app',
        expires_at: '2030-01-01T00:00:00Z',
        label: 'Fleet card',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        value: 'CaseTag01',
        type: 'app',
        status: 'active',
        expires_at: '2030-01-01T00:00:00.000Z',
        label: 'Fleet card',
      });
      expect(created.body.id).toMatch(/^tag_/);
      const dup = await me.post('/api/v1/id-tags', { value: 'casetag01' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('id_tag_exists');
      expect((await as(other.token).post('/api/v1/id-tags', { value: 'casetag01' })).status).toBe(201);

      const found = await me.get('/api/v1/id-tags?value=CASETAG01');
      expect(found.body.data.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
      const blocked = await me.patch(`/api/v1/id-tags/${created.body.id}`, {
        status: 'blocked',
        expires_at: null,
      });
      expect(blocked.body).toMatchObject({ status: 'blocked', expires_at: null });
      expect((await as(other.token).get(`/api/v1/id-tags/${created.body.id}`)).status).toBe(404);
      await me.delete(`/api/v1/id-tags/${created.body.id}`).expect(204);
      expect((await me.get(`/api/v1/id-tags/${created.body.id}`)).status).toBe(404);
    });

    it('answers bad id tag input with 400 naming the fields', async () => {
      const res = await as(owner.token).post('/api/v1/id-tags', {
        value: 'x'.repeat(37),
        type: 'barcode',
        status: 'lost',
        expires_at: 'tomorrow',
      });
      expect(res.status).toBe(400);
      expect(new Set(fields(res))).toEqual(new Set(['value', 'type', 'status', 'expires_at']));
    });
  });

  it("answers 404 for another organization's session", async () => {
    const res = await as(other.token).get('/api/v1/sessions/sess_01HXYZ222EEE000000000000AB');
    expect(res.status).toBe(404);
  });
});
