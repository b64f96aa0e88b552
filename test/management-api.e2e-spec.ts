import { DataSource } from 'typeorm';
import { Membership } from '@csms/domain';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { SignedUp, bearer, createApiKey, signUp, uniqueEmail } from './support/session';

describe('Management API (/v1): members and invitations', () => {
  let stack: TestStack;
  let api: RunningApp;
  let owner: SignedUp;
  let key: string;
  let readKey: string;
  let db: DataSource;
  const memberships: Record<string, { membershipId: string; userId: string; token: string; email: string }> =
    {};

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    db = api.app.get(DataSource);
    owner = await signUp(api, { first_name: 'Olivia', last_name: 'Owner' });
    key = (await createApiKey(api, owner.token, ['read:members', 'write:members'])).key;
    readKey = (await createApiKey(api, owner.token, ['read:members'])).key;
    for (const role of ['admin', 'member', 'operator', 'billing', 'viewer'] as const) {
      const seeded = await seedMember(api, owner.orgId, role);
      const m = await db
        .getRepository(Membership)
        .findOneByOrFail({ organizationId: owner.orgId, userId: seeded.userId });
      memberships[role] = { membershipId: m.id, ...seeded };
    }
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  it('lists members in its own shape: camelCase, mapped roles with nativeRole, owner flag, page envelope', async () => {
    const res = await api.http().get('/v1/members').set(bearer(key));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, perPage: 20, total: 6 });
    const byNative = Object.fromEntries(
      res.body.data.map((m: { nativeRole: string; role: string; owner: boolean }) => [
        m.nativeRole,
        [m.role, m.owner],
      ]),
    );
    expect(byNative).toEqual({
      owner: ['ADMIN', true],
      admin: ['ADMIN', false],
      member: ['USER', false],
      operator: ['OPERATOR', false],
      billing: ['VIEWER', false],
      viewer: ['VIEWER', false],
    });
    const ownerRow = res.body.data.find((m: { owner: boolean }) => m.owner);
    expect(ownerRow).toEqual({
      id: expect.stringMatching(/^mem_/),
      role: 'ADMIN',
      nativeRole: 'owner',
      organizationId: owner.orgId,
      owner: true,
      userId: owner.userId,
      userProfile: { id: owner.userId, firstName: 'Olivia', lastName: 'Owner', email: owner.email },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('paginates with page and perPage and rejects out-of-range values with 400', async () => {
    const second = await api.http().get('/v1/members?page=2&perPage=4').set(bearer(readKey));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ page: 2, perPage: 4, total: 6 });
    expect(second.body.data).toHaveLength(2);
    for (const [query, field] of [
      ['page=0', 'page'],
      ['page=1001', 'page'],
      ['perPage=0', 'perPage'],
      ['perPage=101', 'perPage'],
      ['page=abc', 'page'],
      ['limit=5', 'limit'],
    ]) {
      const res = await api.http().get(`/v1/members?${query}`).set(bearer(key));
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('gets, updates and removes a member by membership id', async () => {
    const target = await seedMember(api, owner.orgId, 'viewer');
    const m = await db
      .getRepository(Membership)
      .findOneByOrFail({ organizationId: owner.orgId, userId: target.userId });
    const got = await api.http().get(`/v1/members/${m.id}`).set(bearer(readKey));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: m.id, role: 'VIEWER', nativeRole: 'viewer', userId: target.userId });

    const patched = await api.http().patch(`/v1/members/${m.id}`).set(bearer(key)).send({ role: 'OPERATOR' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: m.id, role: 'OPERATOR', nativeRole: 'operator' });
    const user = await api.http().patch(`/v1/members/${m.id}`).set(bearer(key)).send({ role: 'USER' });
    expect(user.body.nativeRole).toBe('member');

    const bad = await api.http().patch(`/v1/members/${m.id}`).set(bearer(key)).send({ role: 'OWNER' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('role');

    const del = await api.http().delete(`/v1/members/${m.id}`).set(bearer(key));
    expect(del.status).toBe(204);
    expect((await api.http().get(`/v1/members/${m.id}`).set(bearer(key))).status).toBe(404);
    const revoked = await api.http().get(`/api/v1/organizations/${owner.orgId}`).set(bearer(target.token));
    expect(revoked.status).toBe(404);
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/audit-log?action=member.removed`)
      .set(bearer(owner.token));
    expect(audit.body.data[0].actor.type).toBe('api_key');
  });

  it('answers a PATCH or DELETE aimed at the owner with 409', async () => {
    const list = await api.http().get('/v1/members').set(bearer(key));
    const ownerId = list.body.data.find((m: { owner: boolean }) => m.owner).id;
    const patch = await api.http().patch(`/v1/members/${ownerId}`).set(bearer(key)).send({ role: 'VIEWER' });
    expect(patch.status).toBe(409);
    const del = await api.http().delete(`/v1/members/${ownerId}`).set(bearer(key));
    expect(del.status).toBe(409);
    expect((await db.getRepository(Membership).findOneByOrFail({ id: ownerId })).role).toBe('owner');
  });

  it("answers another organization's member id with 404", async () => {
    const other = await signUp(api);
    const m = await db.getRepository(Membership).findOneByOrFail({ organizationId: other.orgId });
    expect((await api.http().get(`/v1/members/${m.id}`).set(bearer(key))).status).toBe(404);
    expect(
      (await api.http().patch(`/v1/members/${m.id}`).set(bearer(key)).send({ role: 'USER' })).status,
    ).toBe(404);
    expect((await api.http().delete(`/v1/members/${m.id}`).set(bearer(key))).status).toBe(404);
  });

  it('creates, lists, resends and cancels invitations in its own shape', async () => {
    const email = uniqueEmail('mgmt');
    const created = await api.http().post('/v1/invitations').set(bearer(key)).send({ email, role: 'USER' });
    expect(created.status).toBe(201);
    const orgName = (await api.http().get(`/api/v1/organizations/${owner.orgId}`).set(bearer(owner.token)))
      .body.name;
    expect(created.body).toEqual({
      id: expect.stringMatching(/^inv_/),
      email,
      status: 'PENDING',
      role: 'USER',
      nativeRole: 'member',
      organizationId: owner.orgId,
      organizationName: orgName,
      sentAt: expect.any(String),
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const dup = await api.http().post('/v1/invitations').set(bearer(key)).send({ email, role: 'VIEWER' });
    expect(dup.status).toBe(409);

    const resent = await api.http().post(`/v1/invitations/${created.body.id}/resend`).set(bearer(key));
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual({ message: 'Invitation resent' });

    const list = await api.http().get('/v1/invitations?perPage=100').set(bearer(readKey));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, perPage: 100 });
    expect(list.body.data).toContainEqual(
      expect.objectContaining({ id: created.body.id, status: 'PENDING' }),
    );

    const del = await api.http().delete(`/v1/invitations/${created.body.id}`).set(bearer(key));
    expect(del.status).toBe(204);
    const after = await api.http().get('/v1/invitations').set(bearer(key));
    expect(after.body.data).toContainEqual(
      expect.objectContaining({ id: created.body.id, status: 'REVOKED' }),
    );
    expect((await api.http().post(`/v1/invitations/${created.body.id}/resend`).set(bearer(key))).status).toBe(
      409,
    );

    const badRole = await api.http().post('/v1/invitations').set(bearer(key)).send({ email, role: 'owner' });
    expect(badRole.status).toBe(400);
    const badEmail = await api
      .http()
      .post('/v1/invitations')
      .set(bearer(key))
      .send({ email: 'x', role: 'USER' });
    expect(badEmail.body.errors[0].field).toBe('email');
    expect((await api.http().get('/v1/invitations?page=1001').set(bearer(key))).status).toBe(400);
  });

  it('refuses writes to a read-only key (403) and serves users of the organization by their role', async () => {
    expect(
      (
        await api
          .http()
          .post('/v1/invitations')
          .set(bearer(readKey))
          .send({ email: uniqueEmail(), role: 'USER' })
      ).status,
    ).toBe(403);
    expect(
      (
        await api
          .http()
          .patch(`/v1/members/${memberships.viewer.membershipId}`)
          .set(bearer(readKey))
          .send({ role: 'USER' })
      ).status,
    ).toBe(403);
    expect((await api.http().get('/v1/members').set(bearer(memberships.viewer.token))).status).toBe(200);
    expect((await api.http().get('/v1/invitations').set(bearer(memberships.viewer.token))).status).toBe(403);
    expect((await api.http().get('/v1/invitations').set(bearer(memberships.admin.token))).status).toBe(200);
  });
});
