import { DataSource } from 'typeorm';
import { Membership } from '@csms/domain';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { bearer, signUp } from './support/session';

describe('members: roles, ownership transfer, removal', () => {
  let stack: TestStack;
  let api: RunningApp;
  let db: DataSource;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  const owners = (orgId: string) =>
    db.getRepository(Membership).findBy({ organizationId: orgId, role: 'owner' });
  const setRole = (token: string, orgId: string, userId: string, role: unknown) =>
    api.http().put(`/api/v1/organizations/${orgId}/members/${userId}/role`).set(bearer(token)).send({ role });

  it('lists members as {data:[{user_id, email, name, role, joined_at}], total}', async () => {
    const owner = await signUp(api, { first_name: 'Alice', last_name: 'Chen' });
    const viewer = await seedMember(api, owner.orgId, 'viewer');
    const res = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/members`)
      .set(bearer(viewer.token));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        user_id: owner.userId,
        email: owner.email,
        name: 'Alice Chen',
        role: 'owner',
      }),
      expect.objectContaining({ user_id: viewer.userId, email: viewer.email, role: 'viewer' }),
    ]);
    expect(Date.parse(res.body.data[0].joined_at)).not.toBeNaN();
  });

  it("changes a member's role and records it in the audit log", async () => {
    const owner = await signUp(api);
    const admin = await seedMember(api, owner.orgId, 'admin');
    const bob = await seedMember(api, owner.orgId, 'viewer');
    const res = await setRole(admin.token, owner.orgId, bob.userId, 'member');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: bob.userId, role: 'member' });
    const me = await api.http().get('/api/v1/me').set(bearer(bob.token));
    expect(me.body.memberships[0].role).toBe('member');
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/audit-log?action=member.role_changed`)
      .set(bearer(owner.token));
    expect(audit.body.data).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: admin.userId },
        resource_id: bob.userId,
        before: { role: 'viewer' },
        after: { role: 'member' },
      }),
    ]);
  });

  it('does not let an admin grant owner (403) or change the owner (409)', async () => {
    const owner = await signUp(api);
    const admin = await seedMember(api, owner.orgId, 'admin');
    const grant = await setRole(admin.token, owner.orgId, admin.userId, 'owner');
    expect(grant.status).toBe(403);
    expect(grant.body.code).toBe('ownership_transfer_forbidden');
    const demote = await setRole(admin.token, owner.orgId, owner.userId, 'viewer');
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('owner_role_locked');
    const selfDemote = await setRole(owner.token, owner.orgId, owner.userId, 'admin');
    expect(selfDemote.status).toBe(409);
    expect((await owners(owner.orgId)).map((m) => m.userId)).toEqual([owner.userId]);
  });

  it('transfers ownership: the new owner is owner, the previous owner becomes admin, still exactly one owner', async () => {
    const owner = await signUp(api);
    const next = await seedMember(api, owner.orgId, 'member');
    const res = await setRole(owner.token, owner.orgId, next.userId, 'owner');
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('owner');
    const list = await api.http().get(`/api/v1/organizations/${owner.orgId}/members`).set(bearer(next.token));
    const roles = Object.fromEntries(
      list.body.data.map((m: { user_id: string; role: string }) => [m.user_id, m.role]),
    );
    expect(roles).toEqual({ [owner.userId]: 'admin', [next.userId]: 'owner' });
    const org = await api.http().get(`/api/v1/organizations/${owner.orgId}`).set(bearer(owner.token));
    expect(org.body.owner.user_id).toBe(next.userId);
    // The previous owner lost the owner's rights at once.
    const again = await setRole(owner.token, owner.orgId, owner.userId, 'owner');
    expect(again.status).toBe(403);
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/audit-log?action=organization.ownership_transferred`)
      .set(bearer(next.token));
    expect(audit.body.data[0]).toMatchObject({
      before: expect.objectContaining({ owner_user_id: owner.userId }),
      after: expect.objectContaining({ owner_user_id: next.userId }),
    });
  });

  it('leaves exactly one owner after two simultaneous ownership transfers', async () => {
    const owner = await signUp(api);
    const a = await seedMember(api, owner.orgId, 'admin');
    const b = await seedMember(api, owner.orgId, 'member');
    const results = await Promise.all([
      setRole(owner.token, owner.orgId, a.userId, 'owner'),
      setRole(owner.token, owner.orgId, b.userId, 'owner'),
    ]);
    // The loser is refused by the guard (403) if it arrives after the commit, or in the transaction (409).
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const loser = results.find((r) => r.status !== 200)!;
    expect([403, 409]).toContain(loser.status);
    const winner = results.find((r) => r.status === 200)!.body.user_id;
    expect((await owners(owner.orgId)).map((m) => m.userId)).toEqual([winner]);
    const prev = await db
      .getRepository(Membership)
      .findOneByOrFail({ organizationId: owner.orgId, userId: owner.userId });
    expect(prev.role).toBe('admin');
  });

  it('removes a member (204) whose next request on the organization is refused; the owner cannot be removed (409)', async () => {
    const owner = await signUp(api);
    const admin = await seedMember(api, owner.orgId, 'admin');
    const gone = await seedMember(api, owner.orgId, 'operator');
    const before = await api.http().get(`/api/v1/organizations/${owner.orgId}`).set(bearer(gone.token));
    expect(before.status).toBe(200);
    const del = await api
      .http()
      .delete(`/api/v1/organizations/${owner.orgId}/members/${gone.userId}`)
      .set(bearer(admin.token));
    expect(del.status).toBe(204);
    const after = await api.http().get(`/api/v1/organizations/${owner.orgId}`).set(bearer(gone.token));
    expect(after.status).toBe(404);
    const again = await api
      .http()
      .delete(`/api/v1/organizations/${owner.orgId}/members/${gone.userId}`)
      .set(bearer(admin.token));
    expect(again.status).toBe(404);
    const ownerDel = await api
      .http()
      .delete(`/api/v1/organizations/${owner.orgId}/members/${owner.userId}`)
      .set(bearer(admin.token));
    expect(ownerDel.status).toBe(409);
    expect(ownerDel.body.code).toBe('owner_cannot_be_removed');
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/audit-log?action=member.removed`)
      .set(bearer(owner.token));
    expect(audit.body.data[0]).toMatchObject({
      resource_id: gone.userId,
      before: { role: 'operator', email: gone.email },
    });
  });

  it("rejects an unknown role with a 400 naming role, and another organization's member with 404", async () => {
    const owner = await signUp(api);
    const other = await signUp(api);
    const viewer = await seedMember(api, owner.orgId, 'viewer');
    const bad = await setRole(owner.token, owner.orgId, viewer.userId, 'superuser');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('role');
    const missing = await api
      .http()
      .put(`/api/v1/organizations/${owner.orgId}/members/${viewer.userId}/role`)
      .set(bearer(owner.token))
      .send({});
    expect(missing.status).toBe(400);
    const foreign = await setRole(owner.token, owner.orgId, other.userId, 'viewer');
    expect(foreign.status).toBe(404);
    const foreignDel = await api
      .http()
      .delete(`/api/v1/organizations/${owner.orgId}/members/${other.userId}`)
      .set(bearer(owner.token));
    expect(foreignDel.status).toBe(404);
  });
});
