import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { Queue } from 'bullmq';
import { hashToken } from '@csms/auth';
import { Invitation, Membership, OutboundEmail } from '@csms/domain';
import { QueueName } from '@csms/queues';
import { EmailSenderService } from '../apps/api/src/notifications/email-sender.service';
import { MailerService } from '../apps/api/src/notifications/mailer.service';
import { OutboxReconcilerService } from '../apps/api/src/notifications/outbox-reconciler.service';
import { TEST_REDIS_URL } from './support/databases';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { bearer, createApiKey, signUp, uniqueEmail } from './support/session';
import { SmtpCapture, invitationToken } from './support/smtp';

const DAY = 24 * 3600_000;
const PUBLIC_URL = 'https://csms.example.test';

async function invite(api: RunningApp, token: string, orgId: string, email: string, role = 'member') {
  const res = await api
    .http()
    .post(`/api/v1/organizations/${orgId}/invitations`)
    .set(bearer(token))
    .send({ email, role });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; expires_at: string };
}

/** Deletes every Redis key of one queue prefix: what a Redis restart without persistence does to us. */
async function flushQueues(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/**
 * The email reaches the SMTP server a moment before the worker commits the row as sent (and the
 * token's hash with it): wait for both, as a person clicking the link always does.
 */
async function delivered(smtp: SmtpCapture, db: DataSource, address: string, count = 1) {
  const mail = await smtp.waitFor(address, count);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [{ sent }] = await db.query(
      `SELECT count(*)::int AS sent FROM outbound_emails WHERE lower(recipient) = lower($1) AND status = 'sent'`,
      [address],
    );
    if (sent >= count) return mail;
    if (Date.now() > deadline) throw new Error(`email to ${address} not marked sent`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('invitations by email over SMTP', () => {
  let smtp: SmtpCapture;
  let stack: TestStack;
  let api: RunningApp;
  let db: DataSource;
  let owner: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    stack = await createTestStack({
      // Tests move the clock past the 7-day invitation expiry; sign-ins must outlive that.
      AUTH_TOKEN_TTL_HOURS: '720',
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      MAIL_FROM: 'CSMS <invites@csms.example.test>',
    });
    api = await startApi(stack);
    db = api.app.get(DataSource);
    owner = await signUp(api);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.dispose();
    await smtp?.close();
  });
  afterEach(() => api.clock.reset());

  it('sends the invitation email with a single-use link; a person without an account accepts it and joins with the role', async () => {
    const email = uniqueEmail('charlie');
    const res = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/invitations`)
      .set(bearer(owner.token))
      .send({ email: email.toUpperCase(), role: 'operator' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email,
      role: 'operator',
      status: 'pending',
      organization_id: owner.orgId,
    });
    expect(res.body.id).toMatch(/^inv_/);
    expect(res.body.invitation_id).toBe(res.body.id);
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(
      7 * DAY - 1000,
    );
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBeLessThanOrEqual(
      7 * DAY + 1000,
    );

    const mail = await delivered(smtp, db, email);
    expect(mail.from).toBe('invites@csms.example.test');
    expect(mail.text).toContain(`${PUBLIC_URL}/invitations/accept?token=`);
    const token = invitationToken(mail);

    // Only the hash of the token is stored, and the outbox row does not hold it either.
    const stored = await db
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .addSelect('i.tokenHash')
      .where('i.id = :id', { id: res.body.id })
      .getOneOrFail();
    expect(stored.tokenHash).toBe(hashToken(token));
    const dump =
      JSON.stringify(await db.query('SELECT * FROM outbound_emails')) +
      JSON.stringify(await db.query('SELECT * FROM invitations'));
    expect(dump).not.toContain(token);
    const outbox = await db.getRepository(OutboundEmail).findOneByOrFail({ invitationId: res.body.id });
    expect(outbox).toMatchObject({ status: 'sent', recipient: email, attempts: 1 });

    const accepted = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token, first_name: 'Charlie', last_name: 'Brown', password: 'correct horse battery staple' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ organization_id: owner.orgId, role: 'operator', user: { email } });
    expect(accepted.body.token).toMatch(/^csms_ut_/);

    const me = await api.http().get('/api/v1/me').set(bearer(accepted.body.token));
    expect(me.body.memberships).toEqual([
      expect.objectContaining({ organization_id: owner.orgId, role: 'operator' }),
    ]);

    const again = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token, first_name: 'Charlie', last_name: 'Brown', password: 'correct horse battery staple' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invitation_already_used');
    const listed = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/invitations?status=accepted`)
      .set(bearer(owner.token));
    expect(listed.body.data.map((i: { id: string }) => i.id)).toContain(res.body.id);
  });

  it('lets a signed-in user whose email matches (in any case) accept, and refuses another user with 403', async () => {
    const dana = await signUp(api, { email: uniqueEmail('Dana') });
    const stranger = await signUp(api);
    const inv = await invite(api, owner.token, owner.orgId, dana.email.toUpperCase(), 'admin');
    const token = invitationToken(await delivered(smtp, db, dana.email));

    const wrong = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .set(bearer(stranger.token))
      .send({ token });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('invitation_email_mismatch');

    const ok = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .set(bearer(dana.token))
      .send({ token });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      organization_id: owner.orgId,
      role: 'admin',
      user: { user_id: dana.userId },
    });
    expect(ok.body.token).toBeUndefined();
    const members = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/members`)
      .set(bearer(owner.token));
    expect(members.body.data).toContainEqual(
      expect.objectContaining({ user_id: dana.userId, role: 'admin' }),
    );
    const audit = await api
      .http()
      .get(
        `/api/v1/organizations/${owner.orgId}/audit-log?action=invitation.accepted&actor_id=${dana.userId}`,
      )
      .set(bearer(owner.token));
    expect(audit.body.data).toEqual([
      expect.objectContaining({ resource_id: inv.id, actor: { type: 'user', id: dana.userId } }),
    ]);
  });

  it('asks a person who already has an account to sign in (409 email_taken) instead of creating a second one', async () => {
    const frank = await signUp(api);
    await invite(api, owner.token, owner.orgId, frank.email);
    const token = invitationToken(await delivered(smtp, db, frank.email));
    const res = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token, first_name: 'F', last_name: 'Two', password: 'correct horse battery staple' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
    const ok = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .set(bearer(frank.token))
      .send({ token });
    expect(ok.status).toBe(200);
  });

  it('answers an unknown token with 404 and an API key with 403', async () => {
    const res = await api.http().post('/api/v1/organizations/invitations/accept').send({
      token: 'csms_inv_doesnotexist',
      first_name: 'A',
      last_name: 'B',
      password: 'correct horse battery staple',
    });
    expect(res.status).toBe(404);
    const key = await createApiKey(api, owner.token, ['read:members']);
    const byKey = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .set(bearer(key.key))
      .send({ token: 'csms_inv_doesnotexist' });
    expect(byKey.status).toBe(403);
    const missing = await api.http().post('/api/v1/organizations/invitations/accept').send({ token: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'first_name',
      'last_name',
      'password',
    ]);
  });

  it('answers 410 once the invitation has expired (7 days on the clock) and lets a new one be sent', async () => {
    const email = uniqueEmail('late');
    const inv = await invite(api, owner.token, owner.orgId, email);
    const token = invitationToken(await delivered(smtp, db, email));
    api.clock.advance(7 * DAY + 60_000);
    const res = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token, first_name: 'L', last_name: 'Ate', password: 'correct horse battery staple' });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('invitation_expired');
    const expired = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/invitations?status=expired`)
      .set(bearer(owner.token));
    expect(expired.body.data).toContainEqual(expect.objectContaining({ id: inv.id, status: 'expired' }));
    const pending = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/invitations?status=pending`)
      .set(bearer(owner.token));
    expect(pending.body.data.map((i: { id: string }) => i.id)).not.toContain(inv.id);
    const fresh = await invite(api, owner.token, owner.orgId, email);
    expect(fresh.id).not.toBe(inv.id);
  });

  it.each([
    ['email', { email: 'not-an-email', role: 'member' }],
    ['email', { role: 'member' }],
    ['role', { email: 'ok@example.com', role: 'owner' }],
    ['role', { email: 'ok@example.com', role: 'superuser' }],
    ['role', { email: 'ok@example.com' }],
    ['extra', { email: 'ok@example.com', role: 'member', extra: 1 }],
  ])('rejects an invitation with a bad %s with a 400 naming it', async (field, body) => {
    const res = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/invitations`)
      .set(bearer(owner.token))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it.each([
    ['token', { token: 42 }],
    ['token', {}],
    ['password', { token: 'csms_inv_x', first_name: 'A', last_name: 'B', password: 'short' }],
    [
      'first_name',
      { token: 'csms_inv_x', first_name: '', last_name: 'B', password: 'correct horse battery' },
    ],
  ])('rejects an acceptance with a bad %s with a 400 naming it', async (field, body) => {
    const res = await api.http().post('/api/v1/organizations/invitations/accept').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('rejects an unknown status filter with a 400 naming status', async () => {
    const res = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/invitations?status=sent`)
      .set(bearer(owner.token));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('status');
  });

  it('refuses a second invitation to a pending address or a member with 409', async () => {
    const email = uniqueEmail('dup');
    await invite(api, owner.token, owner.orgId, email);
    const dup = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/invitations`)
      .set(bearer(owner.token))
      .send({ email: email.toUpperCase(), role: 'viewer' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('invitation_pending');
    const member = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/invitations`)
      .set(bearer(owner.token))
      .send({ email: owner.email, role: 'viewer' });
    expect(member.status).toBe(409);
    expect(member.body.code).toBe('already_member');
  });

  it('revokes an invitation: status revoked, and its link answers 409', async () => {
    const email = uniqueEmail('revoked');
    const inv = await invite(api, owner.token, owner.orgId, email);
    const token = invitationToken(await delivered(smtp, db, email));
    const del = await api
      .http()
      .delete(`/api/v1/organizations/${owner.orgId}/invitations/${inv.id}`)
      .set(bearer(owner.token));
    expect(del.status).toBe(204);
    const listed = await api
      .http()
      .get(`/api/v1/organizations/${owner.orgId}/invitations?status=revoked`)
      .set(bearer(owner.token));
    expect(listed.body.data).toContainEqual(expect.objectContaining({ id: inv.id, status: 'revoked' }));
    const res = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token, first_name: 'R', last_name: 'V', password: 'correct horse battery staple' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invitation_revoked');
  });

  it('resends with a new token and expiry; the old link stops working and the new one joins', async () => {
    const email = uniqueEmail('resend');
    const inv = await invite(api, owner.token, owner.orgId, email);
    const oldToken = invitationToken(await delivered(smtp, db, email));
    api.clock.advance(DAY);
    const res = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/invitations/${inv.id}/resend`)
      .set(bearer(owner.token));
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Invitation resent');
    expect(Date.parse(res.body.expires_at) - Date.parse(inv.expires_at)).toBeGreaterThanOrEqual(DAY - 1000);
    const newToken = invitationToken(await delivered(smtp, db, email, 2));
    expect(newToken).not.toBe(oldToken);
    const body = { first_name: 'Re', last_name: 'Send', password: 'correct horse battery staple' };
    const old = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token: oldToken, ...body });
    expect(old.status).toBe(404);
    const ok = await api
      .http()
      .post('/api/v1/organizations/invitations/accept')
      .send({ token: newToken, ...body });
    expect(ok.status).toBe(200);
  });

  it('makes exactly one membership of two simultaneous accepts', async () => {
    const erin = await signUp(api);
    await invite(api, owner.token, owner.orgId, erin.email);
    const token = invitationToken(await delivered(smtp, db, erin.email));
    const results = await Promise.all(
      [0, 1, 2].map(() =>
        api.http().post('/api/v1/organizations/invitations/accept').set(bearer(erin.token)).send({ token }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(
      await db.getRepository(Membership).countBy({ organizationId: owner.orgId, userId: erin.userId }),
    ).toBe(1);
  });

  it('sends an email once even when its job runs again', async () => {
    const email = uniqueEmail('once');
    const inv = await invite(api, owner.token, owner.orgId, email);
    await delivered(smtp, db, email);
    const row = await db.getRepository(OutboundEmail).findOneByOrFail({ invitationId: inv.id });
    await expect(api.app.get(EmailSenderService).send(row.id)).resolves.toBe('already_sent');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.to(email)).toHaveLength(1);
  });
});

describe('the email outbox when Redis loses its jobs', () => {
  let smtp: SmtpCapture;
  let stack: TestStack;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    stack = await createTestStack({ SMTP_URL: smtp.url, OUTBOX_RECONCILE_INTERVAL_SECONDS: '0' });
  });
  afterAll(async () => {
    await stack?.dispose();
    await smtp?.close();
  });

  it('keeps an unsent email through a Redis flush and sends it from the reconciler', async () => {
    // An api without the worker: the email stays a row and a waiting job.
    const producerOnly = await startApi(stack, { NOTIFICATIONS_WORKER: 'false' });
    const owner = await signUp(producerOnly);
    const email = uniqueEmail('survivor');
    const inv = await invite(producerOnly, owner.token, owner.orgId, email);
    const db = producerOnly.app.get(DataSource);
    const row = await db.getRepository(OutboundEmail).findOneByOrFail({ invitationId: inv.id });
    expect(row.status).toBe('pending');

    expect(await flushQueues(stack.queuePrefix)).toBeGreaterThan(0);
    const queue = new Queue(QueueName.Notifications, {
      connection: { url: TEST_REDIS_URL } as never,
      prefix: stack.queuePrefix,
    });
    try {
      expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
      });
      // The periodic pass puts the job back (the timer calls the same method).
      await expect(producerOnly.app.get(OutboxReconcilerService).reconcile()).resolves.toBe(1);
      expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
      await flushQueues(stack.queuePrefix);
    } finally {
      await queue.close();
    }
    await producerOnly.close();

    // A worker starting up reconciles the outbox and sends the email.
    const worker = await startApi(stack);
    try {
      const mail = await delivered(smtp, worker.app.get(DataSource), email);
      const token = invitationToken(mail);
      const accepted = await worker
        .http()
        .post('/api/v1/organizations/invitations/accept')
        .send({ token, first_name: 'S', last_name: 'V', password: 'correct horse battery staple' });
      expect(accepted.status).toBe(200);
      const sent = await worker.app
        .get(DataSource)
        .getRepository(OutboundEmail)
        .findOneByOrFail({ id: row.id });
      expect(sent.status).toBe('sent');
    } finally {
      await worker.close();
    }
  });

  it('retries when the SMTP server refuses for a while, then sends', async () => {
    const api = await startApi(stack);
    try {
      const owner = await signUp(api);
      smtp.rejecting = true;
      const email = uniqueEmail('retry');
      const inv = await invite(api, owner.token, owner.orgId, email);
      const db = api.app.get(DataSource);
      const deadline = Date.now() + 10_000;
      while (smtp.rejected === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(smtp.rejected).toBeGreaterThan(0);
      smtp.rejecting = false;
      await delivered(smtp, db, email);
      const row = await db.getRepository(OutboundEmail).findOneByOrFail({ invitationId: inv.id });
      expect(row.status).toBe('sent');
      expect(row.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      smtp.rejecting = false;
      await api.close();
    }
  });
});

describe('the log transport without SMTP_URL', () => {
  it('keeps each message with its link so a developer can read it', async () => {
    const stack = await createTestStack({ PUBLIC_URL });
    const api = await startApi(stack);
    try {
      const owner = await signUp(api);
      const email = uniqueEmail('dev');
      const inv = await invite(api, owner.token, owner.orgId, email);
      const mailer = api.app.get(MailerService);
      const deadline = Date.now() + 10_000;
      while (!mailer.loggedMessages().some((m) => m.to === email) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const logged = mailer.loggedMessages().find((m) => m.to === email);
      expect(logged?.text).toContain(`${PUBLIC_URL}/invitations/accept?token=csms_inv_`);
      const row = await api.app
        .get(DataSource)
        .getRepository(OutboundEmail)
        .findOneByOrFail({ invitationId: inv.id });
      expect(row.status).toBe('sent');
    } finally {
      await api.close();
      await stack.dispose();
    }
  });
});
