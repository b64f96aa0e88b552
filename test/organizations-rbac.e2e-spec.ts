import { DataSource } from 'typeorm';
import type { Response } from 'supertest';
import { Membership, Role } from '@csms/domain';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { SignedUp, bearer, createApiKey, signUp, uniqueEmail } from './support/session';

type Caller = Role | 'read_only_key';
const CALLERS: Caller[] = ['owner', 'admin', 'operator', 'member', 'billing', 'viewer', 'read_only_key'];

/** Expected status per caller, in CALLERS order; null = not asked (covered by its own test). */
type Row = [number | null, number, number, number, number, number, number];
const OWNER_ADMIN = (ok: number): Row => [ok, ok, 403, 403, 403, 403, 403];
const EVERYONE = (ok: number): Row => [ok, ok, ok, ok, ok, ok, ok];

describe('role matrix: organizations, settings, members, invitations, audit log, Management API', () => {
  let stack: TestStack;
  let api: RunningApp;
  let db: DataSource;
  let owner: SignedUp;
  let orgId: string;
  const tokens = {} as Record<Caller, string>;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    db = api.app.get(DataSource);
    owner = await signUp(api);
    orgId = owner.orgId;
    tokens.owner = owner.token;
    for (const role of ['admin', 'operator', 'member', 'billing', 'viewer'] as const) {
      tokens[role] = (await seedMember(api, orgId, role)).token;
    }
    tokens.read_only_key = (
      await createApiKey(api, owner.token, ['read:organizations', 'read:members', 'read:audit_log'])
    ).key;
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  const org = (path = '') => `/api/v1/organizations/${orgId}${path}`;
  async function freshMember(): Promise<{ userId: string; membershipId: string }> {
    const { userId } = await seedMember(api, orgId, 'viewer');
    const m = await db.getRepository(Membership).findOneByOrFail({ organizationId: orgId, userId });
    return { userId, membershipId: m.id };
  }
  async function freshInvitation(): Promise<string> {
    const res = await api
      .http()
      .post(org('/invitations'))
      .set(bearer(owner.token))
      .send({ email: uniqueEmail('matrix'), role: 'viewer' });
    return res.body.id;
  }
  const currencies = ['USD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN'];

  const CASES: Array<[string, Row, (token: string, caller: Caller) => Promise<Response>]> = [
    ['GET /api/v1/organizations/{org_id}', EVERYONE(200), (t) => api.http().get(org()).set(bearer(t))],
    [
      'PUT /api/v1/organizations/{org_id}',
      OWNER_ADMIN(200),
      (t) =>
        api
          .http()
          .put(org())
          .set(bearer(t))
          .send({ name: 'Renamed', country: 'GB', contact_email: 'o@example.com' }),
    ],
    [
      'GET /api/v1/organizations/{org_id}/settings',
      EVERYONE(200),
      (t) => api.http().get(org('/settings')).set(bearer(t)),
    ],
    [
      'PUT /api/v1/organizations/{org_id}/settings (timezone)',
      OWNER_ADMIN(200),
      (t) => api.http().put(org('/settings')).set(bearer(t)).send({ timezone: 'Europe/Paris' }),
    ],
    [
      'PUT /api/v1/organizations/{org_id}/settings (default_currency: billing)',
      [200, 403, 403, 403, 403, 403, 403],
      (t, c) =>
        api
          .http()
          .put(org('/settings'))
          .set(bearer(t))
          .send({ default_currency: currencies[CALLERS.indexOf(c)] }),
    ],
    [
      'GET /api/v1/organizations/{org_id}/members',
      EVERYONE(200),
      (t) => api.http().get(org('/members')).set(bearer(t)),
    ],
    [
      'PUT /api/v1/organizations/{org_id}/members/{user_id}/role',
      OWNER_ADMIN(200),
      async (t) =>
        api
          .http()
          .put(org(`/members/${(await freshMember()).userId}/role`))
          .set(bearer(t))
          .send({ role: 'member' }),
    ],
    [
      'PUT /api/v1/organizations/{org_id}/members/{user_id}/role (owner: transfer)',
      [null, 403, 403, 403, 403, 403, 403],
      async (t) =>
        api
          .http()
          .put(org(`/members/${(await freshMember()).userId}/role`))
          .set(bearer(t))
          .send({ role: 'owner' }),
    ],
    [
      'DELETE /api/v1/organizations/{org_id}/members/{user_id}',
      OWNER_ADMIN(204),
      async (t) =>
        api
          .http()
          .delete(org(`/members/${(await freshMember()).userId}`))
          .set(bearer(t)),
    ],
    [
      'POST /api/v1/organizations/{org_id}/invitations',
      OWNER_ADMIN(201),
      (t) =>
        api
          .http()
          .post(org('/invitations'))
          .set(bearer(t))
          .send({ email: uniqueEmail('inv'), role: 'member' }),
    ],
    [
      'GET /api/v1/organizations/{org_id}/invitations',
      [200, 200, 403, 403, 403, 403, 200],
      (t) => api.http().get(org('/invitations')).set(bearer(t)),
    ],
    [
      'DELETE /api/v1/organizations/{org_id}/invitations/{invitation_id}',
      OWNER_ADMIN(204),
      async (t) =>
        api
          .http()
          .delete(org(`/invitations/${await freshInvitation()}`))
          .set(bearer(t)),
    ],
    [
      'POST /api/v1/organizations/{org_id}/invitations/{invitation_id}/resend',
      OWNER_ADMIN(200),
      async (t) =>
        api
          .http()
          .post(org(`/invitations/${await freshInvitation()}/resend`))
          .set(bearer(t)),
    ],
    [
      'GET /api/v1/organizations/{org_id}/audit-log',
      [200, 200, 403, 403, 403, 403, 200],
      (t) => api.http().get(org('/audit-log')).set(bearer(t)),
    ],
    [
      'POST /api/v1/organizations',
      [201, 201, 201, 201, 201, 201, 403],
      (t) =>
        api
          .http()
          .post('/api/v1/organizations')
          .set(bearer(t))
          .send({ name: 'Mine', country: 'FR', contact_email: 'm@example.com' }),
    ],
    [
      'GET /v1/members',
      EVERYONE(200),
      (t) => api.http().get('/v1/members').set(bearer(t)).set('X-Organization-Id', orgId),
    ],
    [
      'GET /v1/members/{id}',
      EVERYONE(200),
      async (t) =>
        api
          .http()
          .get(`/v1/members/${(await freshMember()).membershipId}`)
          .set(bearer(t))
          .set('X-Organization-Id', orgId),
    ],
    [
      'PATCH /v1/members/{id}',
      OWNER_ADMIN(200),
      async (t) =>
        api
          .http()
          .patch(`/v1/members/${(await freshMember()).membershipId}`)
          .set(bearer(t))
          .set('X-Organization-Id', orgId)
          .send({ role: 'OPERATOR' }),
    ],
    [
      'DELETE /v1/members/{id}',
      OWNER_ADMIN(204),
      async (t) =>
        api
          .http()
          .delete(`/v1/members/${(await freshMember()).membershipId}`)
          .set(bearer(t))
          .set('X-Organization-Id', orgId),
    ],
    [
      'GET /v1/invitations',
      [200, 200, 403, 403, 403, 403, 200],
      (t) => api.http().get('/v1/invitations').set(bearer(t)).set('X-Organization-Id', orgId),
    ],
    [
      'POST /v1/invitations',
      OWNER_ADMIN(201),
      (t) =>
        api
          .http()
          .post('/v1/invitations')
          .set(bearer(t))
          .set('X-Organization-Id', orgId)
          .send({ email: uniqueEmail('v1'), role: 'VIEWER' }),
    ],
    [
      'DELETE /v1/invitations/{id}',
      OWNER_ADMIN(204),
      async (t) =>
        api
          .http()
          .delete(`/v1/invitations/${await freshInvitation()}`)
          .set(bearer(t))
          .set('X-Organization-Id', orgId),
    ],
    [
      'POST /v1/invitations/{id}/resend',
      OWNER_ADMIN(200),
      async (t) =>
        api
          .http()
          .post(`/v1/invitations/${await freshInvitation()}/resend`)
          .set(bearer(t))
          .set('X-Organization-Id', orgId),
    ],
  ];

  it.each(CASES)('%s', async (_name, expected, call) => {
    const actual: Partial<Record<Caller, number | null>> = {};
    const wanted: Partial<Record<Caller, number | null>> = {};
    for (const [i, caller] of CALLERS.entries()) {
      wanted[caller] = expected[i];
      if (expected[i] === null) {
        actual[caller] = null;
        continue;
      }
      const res = await call(tokens[caller], caller);
      actual[caller] = res.status;
      if (res.status === 403)
        expect(res.body.code).toMatch(
          /forbidden|api_key_not_allowed|billing_settings_owner_only|ownership_transfer_forbidden/,
        );
    }
    expect(actual).toEqual(wanted);
  });

  it('answers every one of these endpoints without credentials with 401', async () => {
    const calls = [
      api.http().get(org()),
      api.http().put(org()).send({}),
      api.http().get(org('/settings')),
      api.http().put(org('/settings')).send({}),
      api.http().get(org('/members')),
      api
        .http()
        .put(org(`/members/${owner.userId}/role`))
        .send({ role: 'admin' }),
      api.http().delete(org(`/members/${owner.userId}`)),
      api.http().post(org('/invitations')).send({}),
      api.http().get(org('/invitations')),
      api.http().get(org('/audit-log')),
      api.http().post('/api/v1/organizations').send({}),
      api.http().get('/v1/members'),
      api.http().get('/v1/invitations'),
      api.http().post('/v1/invitations').send({}),
    ];
    const statuses = (await Promise.all(calls)).map((res) => res.status);
    expect(statuses).toEqual(calls.map(() => 401));
  });
});
