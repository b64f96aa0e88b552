import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { SignedUp, bearer, createApiKey, signUp } from './support/session';

describe('organizations and their settings', () => {
  let stack: TestStack;
  let api: RunningApp;
  let owner: SignedUp;

  beforeAll(async () => {
    stack = await createTestStack();
    api = await startApi(stack);
    owner = await signUp(api);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  const post = (token: string, body: object) =>
    api.http().post('/api/v1/organizations').set(bearer(token)).send(body);

  it('creates an organization with the documented fields; the caller becomes its owner', async () => {
    const res = await post(owner.token, {
      name: 'Acme Fleet Services',
      country: 'US',
      contact_email: 'ops@acme.example.com',
      settings: { default_currency: 'USD', timezone: 'America/Chicago' },
      address: '1 Main St, Chicago',
      tax_id: 'US-123',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Acme Fleet Services',
      slug: expect.stringMatching(/^acme-fleet-services/),
      country: 'US',
      contact_email: 'ops@acme.example.com',
      address: '1 Main St, Chicago',
      tax_id: 'US-123',
      settings: {
        default_currency: 'USD',
        timezone: 'America/Chicago',
        billing_email: null,
        notification_preferences: { alert_emails: true, weekly_report: false },
        session_idle_timeout_minutes: 0,
      },
      owner: { user_id: owner.userId, email: owner.email },
    });
    expect(res.body.id).toMatch(/^org_/);
    expect(res.body.organization_id).toBe(res.body.id);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();

    const me = await api.http().get('/api/v1/me').set(bearer(owner.token));
    expect(me.body.memberships).toContainEqual(
      expect.objectContaining({ organization_id: res.body.id, role: 'owner' }),
    );
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${res.body.id}/audit-log`)
      .set(bearer(owner.token));
    expect(audit.body.data).toEqual([
      expect.objectContaining({ action: 'organization.created', actor: { type: 'user', id: owner.userId } }),
    ]);
  });

  it('generates distinct slugs for equal names and refuses a taken slug with 409', async () => {
    const body = { name: 'Same Name Energy', country: 'DE', contact_email: 'a@example.com' };
    const [a, b] = await Promise.all([post(owner.token, body), post(owner.token, body)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.slug).not.toBe(b.body.slug);
    const taken = await post(owner.token, { ...body, slug: a.body.slug });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('slug_taken');
    const chosen = await post(owner.token, { ...body, slug: 'greenway-9000' });
    expect(chosen.body.slug).toBe('greenway-9000');
  });

  it('does not let an API key create organizations (403)', async () => {
    const solo = await signUp(api);
    const key = await createApiKey(api, solo.token, ['write:organizations']);
    const res = await post(key.key, { name: 'Nope', country: 'GB', contact_email: 'x@example.com' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('api_key_not_allowed');
  });

  it.each([
    ['name', { name: '' }],
    ['country', { country: 'XX' }],
    ['country', { country: 'gb' }],
    ['contact_email', { contact_email: 'not-an-email' }],
    ['slug', { slug: 'Not A Slug' }],
    ['settings.default_currency', { settings: { default_currency: 'EURO' } }],
    ['settings.timezone', { settings: { timezone: 'Mars/Olympus' } }],
    ['settings.session_idle_timeout_minutes', { settings: { session_idle_timeout_minutes: -1 } }],
    ['address', { address: 42 }],
    ['unknown', { unknown: true }],
  ])('rejects a bad %s on create with a 400 naming it', async (field, patch) => {
    const res = await post(owner.token, {
      name: 'Valid',
      country: 'GB',
      contact_email: 'valid@example.com',
      ...patch,
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('replaces the mutable fields with PUT (omitted address and tax id are cleared) and records before/after', async () => {
    const created = await post(owner.token, {
      name: 'Before Ltd',
      country: 'GB',
      contact_email: 'before@example.com',
      address: 'Old address',
      tax_id: 'GB1',
    });
    const orgId = created.body.id;
    const res = await api
      .http()
      .put(`/api/v1/organizations/${orgId}`)
      .set(bearer(owner.token))
      .send({ name: 'After Ltd', country: 'IE', contact_email: 'after@example.com', tax_id: 'IE9' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'After Ltd',
      country: 'IE',
      contact_email: 'after@example.com',
      address: null,
      tax_id: 'IE9',
      slug: created.body.slug,
    });
    const got = await api.http().get(`/api/v1/organizations/${orgId}`).set(bearer(owner.token));
    expect(got.body.name).toBe('After Ltd');
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${orgId}/audit-log?action=organization.updated`)
      .set(bearer(owner.token));
    expect(audit.body.data).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ name: 'Before Ltd', address: 'Old address' }),
        after: expect.objectContaining({ name: 'After Ltd', address: null }),
      }),
    ]);

    const partial = await api
      .http()
      .put(`/api/v1/organizations/${orgId}`)
      .set(bearer(owner.token))
      .send({ name: 'Only name' });
    expect(partial.status).toBe(400);
    expect(partial.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'contact_email',
      'country',
    ]);
  });

  it('updates the settings alone with a PUT carrying only settings, as in the guide', async () => {
    const res = await api
      .http()
      .put(`/api/v1/organizations/${owner.orgId}`)
      .set(bearer(owner.token))
      .send({
        settings: { default_currency: 'EUR', timezone: 'Europe/Berlin', session_idle_timeout_minutes: 60 },
      });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({
      default_currency: 'EUR',
      timezone: 'Europe/Berlin',
      session_idle_timeout_minutes: 60,
    });
    expect(res.body.country).toBe('GB');
  });

  it('reads and partially updates settings; billing settings are the owner’s alone', async () => {
    const admin = await seedMember(api, owner.orgId, 'admin');
    const url = `/api/v1/organizations/${owner.orgId}/settings`;
    const byOwner = await api
      .http()
      .put(url)
      .set(bearer(owner.token))
      .send({ default_currency: 'GBP', billing_email: 'billing@greenway.example.com' });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({
      org_id: owner.orgId,
      default_currency: 'GBP',
      billing_email: 'billing@greenway.example.com',
    });

    const adminCurrency = await api
      .http()
      .put(url)
      .set(bearer(admin.token))
      .send({ default_currency: 'USD' });
    expect(adminCurrency.status).toBe(403);
    expect(adminCurrency.body.code).toBe('billing_settings_owner_only');
    const adminBilling = await api
      .http()
      .put(url)
      .set(bearer(admin.token))
      .send({ billing_email: 'someone@else.example.com' });
    expect(adminBilling.status).toBe(403);

    const adminRest = await api
      .http()
      .put(url)
      .set(bearer(admin.token))
      .send({ timezone: 'Europe/London', notification_preferences: { weekly_report: true } });
    expect(adminRest.status).toBe(200);
    const got = await api.http().get(url).set(bearer(admin.token));
    expect(got.body).toEqual({
      org_id: owner.orgId,
      default_currency: 'GBP',
      timezone: 'Europe/London',
      billing_email: 'billing@greenway.example.com',
      notification_preferences: { alert_emails: true, weekly_report: true },
      session_idle_timeout_minutes: 60,
    });
    const audit = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/audit-log?action=settings.updated&actor_id=${admin.userId}`)
      .set(bearer(owner.token));
    expect(audit.body.total).toBe(1);
    expect(audit.body.data[0].before.timezone).toBe('Europe/Berlin');
    expect(audit.body.data[0].after.timezone).toBe('Europe/London');
  });

  it.each([
    ['default_currency', { default_currency: 'XYZ' }],
    ['default_currency', { default_currency: null }],
    ['timezone', { timezone: 'Europe/Nowhere' }],
    ['billing_email', { billing_email: 'nope' }],
    ['notification_preferences', { notification_preferences: 'yes' }],
    ['notification_preferences.alert_emails', { notification_preferences: { alert_emails: 'yes' } }],
    ['session_idle_timeout_minutes', { session_idle_timeout_minutes: 1.5 }],
    ['session_idle_timeout_minutes', { session_idle_timeout_minutes: -5 }],
  ])('rejects a bad %s in settings with a 400 naming it', async (field, body) => {
    const res = await api
      .http()
      .put(`/api/v1/organizations/${owner.orgId}/settings`)
      .set(bearer(owner.token))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("answers another organization's id with 404", async () => {
    const other = await signUp(api);
    for (const path of ['', '/settings', '/members', '/invitations', '/audit-log']) {
      const res = await api
        .http()
        .get(`/api/v1/organizations/${other.orgId}${path}`)
        .set(bearer(owner.token));
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const put = await api
      .http()
      .put(`/api/v1/organizations/${other.orgId}/settings`)
      .set(bearer(owner.token))
      .send({ timezone: 'UTC' });
    expect(put.status).toBe(404);
  });

  it('lists the audit log newest first, paginated, filtered by action and by actor (user or API key)', async () => {
    const fresh = await signUp(api);
    const key = await createApiKey(api, fresh.token, ['write:organizations', 'read:audit_log']);
    for (const tz of ['Europe/Paris', 'Europe/Madrid', 'Europe/Rome']) {
      await api
        .http()
        .put(`/api/v1/organizations/${fresh.orgId}/settings`)
        .set(bearer(fresh.token))
        .send({ timezone: tz });
    }
    await api
      .http()
      .put(`/api/v1/organizations/${fresh.orgId}/settings`)
      .set(bearer(key.key))
      .send({ timezone: 'Europe/Lisbon' });
    const all = await api
      .http()
      .get(`/api/v1/organizations/${fresh.orgId}/audit-log?limit=2`)
      .set(bearer(key.key));
    expect(all.status).toBe(200);
    // organization.created, api_key.created, 4 × settings.updated
    expect(all.body.total).toBe(6);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.data[0]).toMatchObject({
      action: 'settings.updated',
      actor: { type: 'api_key', id: key.id },
      after: expect.objectContaining({ timezone: 'Europe/Lisbon' }),
    });
    const byUser = await api
      .http()
      .get(`/api/v1/organizations/${fresh.orgId}/audit-log?action=settings.updated&actor_id=${fresh.userId}`)
      .set(bearer(fresh.token));
    expect(byUser.body.data.map((e: { after: { timezone: string } }) => e.after.timezone)).toEqual([
      'Europe/Rome',
      'Europe/Madrid',
      'Europe/Paris',
    ]);
    const keyEntry = await api
      .http()
      .get(`/api/v1/organizations/${fresh.orgId}/audit-log?action=api_key.created`)
      .set(bearer(fresh.token));
    const revoked = await api.http().delete(`/api/v1/org/api-keys/${key.id}`).set(bearer(fresh.token));
    expect(revoked.status).toBe(204);
    const revokedEntry = await api
      .http()
      .get(`/api/v1/organizations/${fresh.orgId}/audit-log?action=api_key.revoked`)
      .set(bearer(fresh.token));
    expect(revokedEntry.body.data).toEqual([
      expect.objectContaining({
        resource_id: key.id,
        actor: { type: 'user', id: fresh.userId },
        before: expect.objectContaining({ scopes: ['write:organizations', 'read:audit_log'] }),
        after: null,
      }),
    ]);
    expect(keyEntry.body.data[0]).toMatchObject({
      resource_id: key.id,
      actor: { type: 'user', id: fresh.userId },
    });
    const bad = await api
      .http()
      .get(`/api/v1/organizations/${fresh.orgId}/audit-log?action=DROP TABLE`)
      .set(bearer(fresh.token));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('action');
  });
});
