import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { bearer, signUp, uniqueEmail } from './support/session';

describe('identity: signup, login, logout, me', () => {
  let stack: TestStack;
  let api: RunningApp;

  beforeAll(async () => {
    stack = await createTestStack({ AUTH_LOGIN_MAX_FAILURES: '3' });
    api = await startApi(stack);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
  });

  it('signs up a user and provisions their organization with them as owner', async () => {
    const email = uniqueEmail('alice');
    const res = await api.http().post('/api/v1/auth/signup').send({
      email,
      password: 'correct horse battery staple',
      first_name: 'Alice',
      last_name: 'Chen',
      organization_name: 'Greenway Charging Ltd',
      country: 'GB',
    });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^csms_ut_/);
    expect(res.body.user).toMatchObject({
      email,
      first_name: 'Alice',
      last_name: 'Chen',
      name: 'Alice Chen',
    });
    expect(res.body.user.user_id).toMatch(/^usr_[0-9A-Z]{26}$/);
    expect(res.body.organization).toMatchObject({
      name: 'Greenway Charging Ltd',
      country: 'GB',
      contact_email: email,
    });
    expect(res.body.organization.id).toMatch(/^org_/);
    expect(res.body.organization.slug).toMatch(/^greenway-charging-ltd/);
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now());

    const me = await api.http().get('/api/v1/me').set(bearer(res.body.token));
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
    expect(me.body.memberships).toEqual([
      expect.objectContaining({
        organization_id: res.body.organization.id,
        role: 'owner',
        organization_name: 'Greenway Charging Ltd',
      }),
    ]);

    const org = await api
      .http()
      .get(`/api/v1/organizations/${res.body.organization.id}`)
      .set(bearer(res.body.token));
    expect(org.status).toBe(200);
    expect(org.body.owner).toEqual({ user_id: res.body.user.user_id, email });
  });

  it('gives two organizations with the same name different slugs', async () => {
    const a = await signUp(api, { organization_name: 'Same Name Energy' });
    const b = await signUp(api, { organization_name: 'Same Name Energy' });
    const slugA = (await api.http().get(`/api/v1/organizations/${a.orgId}`).set(bearer(a.token))).body.slug;
    const slugB = (await api.http().get(`/api/v1/organizations/${b.orgId}`).set(bearer(b.token))).body.slug;
    expect(slugA).toMatch(/^same-name-energy/);
    expect(slugB).toMatch(/^same-name-energy/);
    expect(slugA).not.toBe(slugB);
  });

  it('refuses a second account for the same email in another letter case', async () => {
    const first = await signUp(api);
    const res = await api.http().post('/api/v1/auth/signup').send({
      email: first.email.toUpperCase(),
      password: 'correct horse battery staple',
      first_name: 'Eve',
      last_name: 'Twin',
      organization_name: 'Twin Org',
      country: 'DE',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
  });

  it('logs in case-insensitively, and a logged-out token is refused', async () => {
    const user = await signUp(api);
    const login = await api
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email.toUpperCase(), password: user.password });
    expect(login.status).toBe(200);
    expect(login.body.token).toMatch(/^csms_ut_/);
    expect(login.body.token).not.toBe(user.token);

    expect((await api.http().get('/api/v1/me').set(bearer(login.body.token))).status).toBe(200);
    const logout = await api.http().post('/api/v1/auth/logout').set(bearer(login.body.token));
    expect(logout.status).toBe(204);
    const after = await api.http().get('/api/v1/me').set(bearer(login.body.token));
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(after.body.code).toBe('unauthorized');
    // the other session of the same user is unaffected
    expect((await api.http().get('/api/v1/me').set(bearer(user.token))).status).toBe(200);
  });

  it('refuses a token once it has expired on the clock', async () => {
    const user = await signUp(api);
    api.clock.advance(api.config.auth.userTokenTtlHours * 3600_000 + 1000);
    try {
      expect((await api.http().get('/api/v1/me').set(bearer(user.token))).status).toBe(401);
    } finally {
      api.clock.reset();
    }
    expect((await api.http().get('/api/v1/me').set(bearer(user.token))).status).toBe(200);
  });

  it('answers 401 to a wrong password and 429 with Retry-After after repeated failures', async () => {
    const user = await signUp(api);
    for (let i = 0; i < 3; i++) {
      const res = await api
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'wrong password!!' });
      expect(res.status).toBe(401);
    }
    const blocked = await api
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 401 without credentials and with garbage credentials', async () => {
    const none = await api.http().get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, code: 'unauthorized', title: 'Unauthorized' });
    expect((await api.http().get('/api/v1/me').set(bearer('csms_ut_nonsense'))).status).toBe(401);
    expect((await api.http().get('/api/v1/me').set('X-API-Key', 'csms_sk_nonsense')).status).toBe(401);
  });

  describe('bad bodies are 400 problem details naming the field', () => {
    const valid = {
      email: 'valid@example.com',
      password: 'correct horse battery staple',
      first_name: 'Val',
      last_name: 'Id',
      organization_name: 'Valid Org',
      country: 'GB',
    };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['missing field', { ...valid, first_name: undefined }, 'first_name'],
      ['wrong type', { ...valid, last_name: 42 }, 'last_name'],
      ['unknown field', { ...valid, is_admin: true }, 'is_admin'],
      ['invalid email', { ...valid, email: 'not-an-email' }, 'email'],
      ['invalid country', { ...valid, country: 'XX' }, 'country'],
      ['lower-case country', { ...valid, country: 'gb' }, 'country'],
      ['short password', { ...valid, password: 'short' }, 'password'],
    ];
    it.each(cases)('%s', async (_label, body, field) => {
      const res = await api.http().post('/api/v1/auth/signup').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('malformed JSON', async () => {
      const res = await api
        .http()
        .post('/api/v1/auth/signup')
        .set('Content-Type', 'application/json')
        .send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_json');
    });
  });

  it('writes nothing when signup fails validation', async () => {
    const email = uniqueEmail('ghost');
    await api
      .http()
      .post('/api/v1/auth/signup')
      .send({
        email,
        password: 'correct horse battery staple',
        first_name: 'G',
        last_name: 'H',
        organization_name: 'X',
        country: 'ZZ',
      });
    const login = await api
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: 'correct horse battery staple' });
    expect(login.status).toBe(401);
  });
});
