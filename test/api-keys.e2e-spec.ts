import { eventually } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { bearer, createApiKey, signUp } from './support/session';

describe('organization API keys', () => {
  let stack: TestStack;
  let api: RunningApp;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  it('creates a key shown once, accepts it in both headers, lists it without the secret, and revokes it at once', async () => {
    const owner = await signUp(api);
    const created = await api
      .http()
      .post('/api/v1/org/api-keys')
      .set(bearer(owner.token))
      .send({ name: 'Production Backend', scopes: ['read:api_keys', 'read:organizations'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Production Backend',
      scopes: ['read:api_keys', 'read:organizations'],
    });
    expect(created.body.id).toMatch(/^key_/);
    expect(created.body.key).toMatch(/^csms_sk_[A-Za-z0-9_-]{40,}$/);
    const key: string = created.body.key;

    const viaBearer = await api.http().get('/api/v1/org/api-keys').set(bearer(key));
    expect(viaBearer.status).toBe(200);
    const viaHeader = await api.http().get('/api/v1/org/api-keys').set('X-API-Key', key);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.total).toBe(1);
    const listed = viaHeader.body.data[0];
    expect(listed).toMatchObject({
      id: created.body.id,
      name: 'Production Backend',
      prefix: key.slice(0, 14),
    });
    expect(JSON.stringify(viaHeader.body)).not.toContain(key);
    expect(listed.key).toBeUndefined();

    const me = await api.http().get('/api/v1/me').set('X-API-Key', key);
    expect(me.body.api_key).toEqual({
      id: created.body.id,
      organization_id: owner.orgId,
      scopes: ['read:api_keys', 'read:organizations'],
    });

    expect(
      (await api.http().delete(`/api/v1/org/api-keys/${created.body.id}`).set(bearer(owner.token))).status,
    ).toBe(204);
    const after = await api.http().get('/api/v1/org/api-keys').set('X-API-Key', key);
    expect(after.status).toBe(401);
    expect((await api.http().get('/api/v1/org/api-keys').set(bearer(owner.token))).body.total).toBe(0);
    expect(
      (await api.http().delete(`/api/v1/org/api-keys/${created.body.id}`).set(bearer(owner.token))).status,
    ).toBe(404);
  });

  it('refuses a write with a read-only key (403) and allows it with the write scope', async () => {
    const owner = await signUp(api);
    const readOnly = await createApiKey(api, owner.token, ['read:api_keys']);
    const denied = await api
      .http()
      .post('/api/v1/org/api-keys')
      .set('X-API-Key', readOnly.key)
      .send({ name: 'x', scopes: ['read:api_keys'] });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');

    const writer = await createApiKey(api, owner.token, ['write:api_keys', 'read:api_keys']);
    const allowed = await api
      .http()
      .post('/api/v1/org/api-keys')
      .set('X-API-Key', writer.key)
      .send({ name: 'child', scopes: ['read:api_keys'] });
    expect(allowed.status).toBe(201);
  });

  it('never lets a key grant scopes it does not hold', async () => {
    const owner = await signUp(api);
    const writer = await createApiKey(api, owner.token, ['write:api_keys']);
    const res = await api
      .http()
      .post('/api/v1/org/api-keys')
      .set('X-API-Key', writer.key)
      .send({ name: 'escalate', scopes: ['write:api_keys', 'write:members'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('scope_escalation');
  });

  it('keeps a key inside its own organization (404 for the other one)', async () => {
    const a = await signUp(api);
    const b = await signUp(api);
    const keyA = await createApiKey(api, a.token, ['read:organizations', 'write:api_keys', 'read:api_keys']);
    const keyB = await createApiKey(api, b.token, ['read:api_keys']);

    const foreignOrg = await api.http().get(`/api/v1/organizations/${b.orgId}`).set('X-API-Key', keyA.key);
    expect(foreignOrg.status).toBe(404);
    expect(JSON.stringify(foreignOrg.body)).not.toContain('Org ');
    expect((await api.http().get(`/api/v1/organizations/${a.orgId}`).set('X-API-Key', keyA.key)).status).toBe(
      200,
    );

    const foreignKey = await api.http().delete(`/api/v1/org/api-keys/${keyB.id}`).set('X-API-Key', keyA.key);
    expect(foreignKey.status).toBe(404);
    expect((await api.http().get('/api/v1/org/api-keys').set('X-API-Key', keyB.key)).status).toBe(200);

    const headerSwitch = await api
      .http()
      .get('/api/v1/org/api-keys')
      .set('X-API-Key', keyA.key)
      .set('X-Organization-Id', b.orgId);
    expect(headerSwitch.status).toBe(404);
  });

  it('keeps a user inside their organizations (404 for another one)', async () => {
    const a = await signUp(api);
    const b = await signUp(api);
    const res = await api.http().get(`/api/v1/organizations/${b.orgId}`).set(bearer(a.token));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    const viaHeader = await api
      .http()
      .get('/api/v1/org/api-keys')
      .set(bearer(a.token))
      .set('X-Organization-Id', b.orgId);
    expect(viaHeader.status).toBe(404);
  });

  it('cannot create organizations-level objects with an API key where a user is required', async () => {
    const owner = await signUp(api);
    const key = await createApiKey(api, owner.token, ['read:organizations']);
    const res = await api.http().post('/api/v1/auth/logout').set('X-API-Key', key.key);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('api_key_not_allowed');
  });

  describe('validation', () => {
    it.each([
      ['unknown scope', { name: 'k', scopes: ['read:everything'] }, 'scopes'],
      ['empty scopes', { name: 'k', scopes: [] }, 'scopes'],
      ['scopes not an array', { name: 'k', scopes: 'read:billing' }, 'scopes'],
      ['missing name', { scopes: ['read:billing'] }, 'name'],
      ['unknown field', { name: 'k', scopes: ['read:billing'], owner: 'me' }, 'owner'],
    ])('%s → 400 naming the field', async (_label, body, field) => {
      const owner = await signUp(api);
      const res = await api.http().post('/api/v1/org/api-keys').set(bearer(owner.token)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('rejects out-of-range pagination', async () => {
      const owner = await signUp(api);
      const res = await api.http().get('/api/v1/org/api-keys?limit=1000').set(bearer(owner.token));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('limit');
    });
  });

  it('refuses a revoked key or a logged-out token on every api process, though each remembered it', async () => {
    const other = await startApi(stack);
    try {
      const owner = await signUp(api);
      const key = await createApiKey(api, owner.token, ['read:api_keys']);
      // Both processes have seen (and may remember) both credentials.
      for (const app of [api, other]) {
        expect((await app.http().get('/api/v1/org/api-keys').set('X-API-Key', key.key)).status).toBe(200);
        expect((await app.http().get('/api/v1/me').set(bearer(owner.token))).status).toBe(200);
      }
      const revoke = await other.http().delete(`/api/v1/org/api-keys/${key.id}`).set(bearer(owner.token));
      expect(revoke.status).toBe(204);
      // At once on the process that revoked it; on the other as soon as the announcement arrives.
      expect((await other.http().get('/api/v1/org/api-keys').set('X-API-Key', key.key)).status).toBe(401);
      const elsewhere = await eventually(
        () => api.http().get('/api/v1/org/api-keys').set('X-API-Key', key.key),
        (res) => res.status === 401,
      );
      expect(elsewhere.status).toBe(401);

      expect((await api.http().post('/api/v1/auth/logout').set(bearer(owner.token))).status).toBe(204);
      expect((await api.http().get('/api/v1/me').set(bearer(owner.token))).status).toBe(401);
      const loggedOut = await eventually(
        () => other.http().get('/api/v1/me').set(bearer(owner.token)),
        (res) => res.status === 401,
      );
      expect(loggedOut.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
