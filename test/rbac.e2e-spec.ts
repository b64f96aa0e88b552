import type { Role } from '@csms/domain';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { bearer, signUp } from './support/session';

/** Each role against one permission it has (organizations.read) and, but for the owner, one it lacks (api_keys.read). */
const EXPECTED: Record<Role, { readOrganization: number; listApiKeys: number }> = {
  owner: { readOrganization: 200, listApiKeys: 200 },
  admin: { readOrganization: 200, listApiKeys: 403 },
  operator: { readOrganization: 200, listApiKeys: 403 },
  member: { readOrganization: 200, listApiKeys: 403 },
  billing: { readOrganization: 200, listApiKeys: 403 },
  viewer: { readOrganization: 200, listApiKeys: 403 },
};

describe('roles through the guard', () => {
  let stack: TestStack;
  let api: RunningApp;
  let orgId: string;
  const tokens: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    const owner = await signUp(api);
    orgId = owner.orgId;
    tokens.owner = owner.token;
    for (const role of ['admin', 'operator', 'member', 'billing', 'viewer'] as const) {
      tokens[role] = (await seedMember(api, orgId, role)).token;
    }
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  it.each(Object.entries(EXPECTED))('%s', async (role, expected) => {
    const token = tokens[role as Role]!;
    const org = await api.http().get(`/api/v1/organizations/${orgId}`).set(bearer(token));
    expect(org.status).toBe(expected.readOrganization);
    const keys = await api.http().get('/api/v1/org/api-keys').set(bearer(token));
    expect(keys.status).toBe(expected.listApiKeys);
    if (keys.status === 403) expect(keys.body.detail).toContain('api_keys.read');
  });

  it('asks a user with several memberships to name the organization', async () => {
    const other = await signUp(api);
    const member = await seedMember(api, other.orgId, 'viewer');
    // give the same user a second membership
    const second = await signUp(api);
    const { DataSource } = await import('typeorm');
    const { Membership } = await import('@csms/domain');
    const { newId } = await import('@csms/common');
    await api.app
      .get(DataSource)
      .getRepository(Membership)
      .insert({ id: newId('mem'), organizationId: second.orgId, userId: member.userId, role: 'admin' });
    const ambiguous = await api.http().get('/api/v1/org/api-keys').set(bearer(member.token));
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.code).toBe('organization_required');
    const named = await api.http().get(`/api/v1/organizations/${second.orgId}`).set(bearer(member.token));
    expect(named.status).toBe(200);
    const viaHeader = await api
      .http()
      .get('/api/v1/org/api-keys')
      .set(bearer(member.token))
      .set('X-Organization-Id', other.orgId);
    expect(viaHeader.status).toBe(403);
  });
});
