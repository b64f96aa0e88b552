import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { aChargePoint } from './support/chargers';
import { RunningApp, TestStack, createTestStack, startApi } from './support/harness';
import { seedMember } from './support/members';
import { bearer, createApiKey, signUp, uniqueEmail } from './support/session';
import { SmtpCapture, siteOwnerInvitationToken } from './support/smtp';

const DAY = 24 * 3600_000;
const PUBLIC_URL = 'https://csms.example.test';
const MAX_BYTES = 64 * 1024;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), Buffer.alloc(512)]);
const VALID_IBAN = 'GB82 WEST 1234 5698 7654 32';
const PROFILE = {
  company_name: 'Canary Wharf Group',
  contact_name: 'Sam Facilities',
  contact_phone: '+44 20 7418 2000',
  address: '1 Canada Square, London E14 5AB',
  tax_id: 'GB123456789',
};

describe('projects and site owners', () => {
  let smtp: SmtpCapture;
  let stack: TestStack;
  let api: RunningApp;
  let db: DataSource;
  let owner: Awaited<ReturnType<typeof signUp>>;
  const documentsDir = mkdtempSync(join(tmpdir(), 'csms-documents-'));

  async function aProject(token: string, body: Record<string, unknown> = {}): Promise<{ id: string }> {
    const res = await api
      .http()
      .post('/api/v1/projects')
      .set(bearer(token))
      .send({ name: `Site ${Math.random().toString(36).slice(2, 8)}`, ...body });
    if (res.status !== 201)
      throw new Error(`project creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Waits for the email and for its row to be committed as sent (the token hash goes with it). */
  async function delivered(address: string, count = 1) {
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

  async function inviteSiteOwner(projectIds: string[], email = uniqueEmail('host')) {
    const count = smtp.to(email).length + 1;
    const res = await api
      .http()
      .post(`/api/v1/organizations/${owner.orgId}/site-owners/invitations`)
      .set(bearer(owner.token))
      .send({ email, project_ids: projectIds, company_name: 'Canary Wharf Group' });
    expect(res.status).toBe(201);
    const mail = await delivered(email, count);
    return { invitation: res.body, email, token: siteOwnerInvitationToken(mail), mail };
  }

  /** An invited site owner who created their account by accepting; returns their bearer token. */
  async function aSiteOwner(projectIds: string[]) {
    const { token, email } = await inviteSiteOwner(projectIds);
    const res = await api
      .http()
      .post(`/api/v1/site-owner/accept-invitation/${token}`)
      .send({ first_name: 'Sam', last_name: 'Host', password: 'correct horse battery staple' });
    expect(res.status).toBe(200);
    return { token: res.body.token.token as string, id: res.body.site_owner.id as string, email };
  }

  const status = async (token: string) =>
    (await api.http().get('/api/v1/site-owner/onboarding/status').set(bearer(token))).body;

  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    stack = await createTestStack({
      AUTH_TOKEN_TTL_HOURS: '720',
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      SITE_OWNER_DOCUMENTS_DIR: documentsDir,
      SITE_OWNER_DOCUMENT_MAX_BYTES: String(MAX_BYTES),
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

  describe('projects', () => {
    it('creates, lists with charge_point_count, updates and deletes a project; a project with charge points cannot be deleted', async () => {
      const created = await api
        .http()
        .post('/api/v1/projects')
        .set(bearer(owner.token))
        .send({
          name: 'Canary Wharf Car Park',
          address: '1 Canada Square, London',
          coordinates: { latitude: 51.5054, longitude: -0.0235 },
          status: 'active',
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Canary Wharf Car Park',
        coordinates: { latitude: 51.5054, longitude: -0.0235 },
        status: 'active',
        site_owner_id: null,
        charge_point_count: 0,
      });
      expect(created.body.id).toMatch(/^proj_/);
      const projectId = created.body.id;

      const cp1 = await aChargePoint(api, owner.token, { project_id: projectId });
      const cp2 = await aChargePoint(api, owner.token, { project_id: projectId });
      const list = await api.http().get('/api/v1/projects').set(bearer(owner.token));
      expect(list.status).toBe(200);
      expect(list.body.data.find((p: { id: string }) => p.id === projectId).charge_point_count).toBe(2);

      const filtered = await api
        .http()
        .get(`/api/v1/charge-points?project_id=${projectId}`)
        .set(bearer(owner.token));
      expect(filtered.body.total).toBe(2);

      const patched = await api
        .http()
        .patch(`/api/v1/projects/${projectId}`)
        .set(bearer(owner.token))
        .send({ status: 'inactive', coordinates: null });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ status: 'inactive', coordinates: null, charge_point_count: 2 });

      const refused = await api.http().delete(`/api/v1/projects/${projectId}`).set(bearer(owner.token));
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('project_has_charge_points');

      for (const cp of [cp1, cp2]) {
        const moved = await api
          .http()
          .patch(`/api/v1/charge-points/${cp.id}`)
          .set(bearer(owner.token))
          .send({ project_id: null });
        expect(moved.status).toBe(200);
      }
      const deleted = await api.http().delete(`/api/v1/projects/${projectId}`).set(bearer(owner.token));
      expect(deleted.status).toBe(204);
      expect((await api.http().get(`/api/v1/projects/${projectId}`).set(bearer(owner.token))).status).toBe(
        404,
      );
    });

    it('refuses bad coordinates and status, and a charge point in an unknown or foreign project', async () => {
      for (const body of [
        { name: 'X', coordinates: { latitude: 91, longitude: 0 } },
        { name: 'X', coordinates: { latitude: 0, longitude: -181 } },
        { name: 'X', coordinates: { latitude: 'north', longitude: 0 } },
        { name: 'X', status: 'closed' },
        { name: '' },
      ]) {
        const res = await api.http().post('/api/v1/projects').set(bearer(owner.token)).send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const stranger = await signUp(api);
      const foreign = await aProject(stranger.token);
      await expect(aChargePoint(api, owner.token, { project_id: foreign.id })).rejects.toThrow(/404/);
      expect((await api.http().get(`/api/v1/projects/${foreign.id}`).set(bearer(owner.token))).status).toBe(
        404,
      );
    });

    it('lets a viewer read projects but not write them', async () => {
      const viewer = await seedMember(api, owner.orgId, 'viewer');
      expect((await api.http().get('/api/v1/projects').set(bearer(viewer.token))).status).toBe(200);
      const res = await api.http().post('/api/v1/projects').set(bearer(viewer.token)).send({ name: 'Nope' });
      expect(res.status).toBe(403);
    });
  });

  describe('onboarding', () => {
    it('goes from invitation email to an active site owner, with the status at every stage', async () => {
      const projectA = await aProject(owner.token, { name: 'Canary Wharf Car Park', status: 'active' });
      await aChargePoint(api, owner.token, { project_id: projectA.id });
      const { invitation, email, token, mail } = await inviteSiteOwner([projectA.id]);
      expect(invitation).toMatchObject({ email, project_ids: [projectA.id], status: 'pending' });
      expect(Date.parse(invitation.expires_at) - Date.parse(invitation.created_at)).toBeGreaterThanOrEqual(
        7 * DAY - 1000,
      );
      expect(mail.text).toContain(`${PUBLIC_URL}/api/v1/site-owner/accept-invitation/`);
      const dump = JSON.stringify(await db.query('SELECT * FROM site_owner_invitations'));
      expect(dump).not.toContain(token);

      const accepted = await api
        .http()
        .post(`/api/v1/site-owner/accept-invitation/${token}`)
        .send({ first_name: 'Sam', last_name: 'Host', password: 'correct horse battery staple' });
      expect(accepted.status).toBe(200);
      expect(accepted.body.site_owner).toMatchObject({
        email,
        status: 'onboarding',
        company_name: 'Canary Wharf Group',
      });
      expect(accepted.body.token.user.kind).toBe('site_owner');
      const so = accepted.body.token.token as string;

      const again = await api
        .http()
        .post(`/api/v1/site-owner/accept-invitation/${token}`)
        .send({ first_name: 'Sam', last_name: 'Host', password: 'correct horse battery staple' });
      expect(again.status).toBe(409);

      expect(await status(so)).toEqual({
        stage: 'profile_pending',
        completed_steps: [],
        pending_steps: ['profile', 'bank_details', 'documents', 'approval'],
      });

      const early = await api.http().post('/api/v1/site-owner/onboarding/complete').set(bearer(so));
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('onboarding_incomplete');
      expect(early.body.missing_steps).toEqual(['profile', 'bank_details', 'documents']);
      expect(early.body.detail).toContain('profile, bank_details, documents');

      const outOfOrder = await api
        .http()
        .put('/api/v1/site-owner/bank-details')
        .set(bearer(so))
        .send({ iban: VALID_IBAN, account_holder: 'CWG plc' });
      expect(outOfOrder.status).toBe(409);
      expect(outOfOrder.body.missing_steps).toEqual(['profile']);

      expect((await api.http().put('/api/v1/site-owner/profile').set(bearer(so)).send(PROFILE)).status).toBe(
        200,
      );
      expect(await status(so)).toEqual({
        stage: 'bank_details_pending',
        completed_steps: ['profile'],
        pending_steps: ['bank_details', 'documents', 'approval'],
      });

      const bank = await api
        .http()
        .put('/api/v1/site-owner/bank-details')
        .set(bearer(so))
        .send({ iban: VALID_IBAN, account_holder: 'Canary Wharf Group plc' });
      expect(bank.status).toBe(200);
      expect(bank.body.bank_details).toEqual({
        iban_last4: '5432',
        account_holder: 'Canary Wharf Group plc',
      });
      expect(JSON.stringify(bank.body)).not.toContain('WEST');
      const stored = JSON.stringify(await db.query('SELECT * FROM site_owners'));
      expect(stored).not.toContain('GB82WEST');
      expect(stored).not.toContain('12345698765432');
      expect(await status(so)).toEqual({
        stage: 'documents_pending',
        completed_steps: ['profile', 'bank_details'],
        pending_steps: ['documents', 'approval'],
      });

      const upload = await api
        .http()
        .post('/api/v1/site-owner/documents')
        .set(bearer(so))
        .attach('file', PDF, { filename: '../../lease agreement.pdf', contentType: 'application/pdf' });
      expect(upload.status).toBe(201);
      expect(upload.body).toMatchObject({ content_type: 'application/pdf', size_bytes: PDF.length });
      expect(upload.body.id).toMatch(/^doc_/);
      const files = readdirSync(documentsDir);
      const storedFile = files.find((f) => f.startsWith(upload.body.id.toLowerCase()));
      expect(storedFile).toMatch(/^doc_[0-9a-z]{26}\.pdf$/);
      expect(readFileSync(join(documentsDir, storedFile!)).equals(PDF)).toBe(true);
      expect(await status(so)).toEqual({
        stage: 'submission_pending',
        completed_steps: ['profile', 'bank_details', 'documents'],
        pending_steps: ['approval'],
      });

      const complete = await api.http().post('/api/v1/site-owner/onboarding/complete').set(bearer(so));
      expect(complete.status).toBe(200);
      expect(complete.body).toEqual({
        stage: 'approval_pending',
        completed_steps: ['profile', 'bank_details', 'documents'],
        pending_steps: ['approval'],
      });
      const notice = await delivered(owner.email);
      expect(notice.text).toContain('Canary Wharf Group');
      expect(notice.text).toContain('/site-owners/');

      const late = await api.http().put('/api/v1/site-owner/profile').set(bearer(so)).send(PROFILE);
      expect(late.status).toBe(409);

      const list = await api
        .http()
        .get(`/api/v1/organizations/${owner.orgId}/site-owners`)
        .set(bearer(owner.token));
      expect(list.status).toBe(200);
      const listed = list.body.data.find((s: { email: string }) => s.email === email);
      expect(listed).toMatchObject({ status: 'approval_pending', stage: 'approval_pending' });
      const detail = await api
        .http()
        .get(`/api/v1/organizations/${owner.orgId}/site-owners/${listed.id}`)
        .set(bearer(owner.token));
      expect(detail.status).toBe(200);
      expect(detail.body.documents).toEqual([
        expect.objectContaining({ id: upload.body.id, content_type: 'application/pdf' }),
      ]);
      expect(detail.body.bank_details).toEqual({
        iban_last4: '5432',
        account_holder: 'Canary Wharf Group plc',
      });
      expect(detail.body.project_ids).toEqual([projectA.id]);
      const download = await api
        .http()
        .get(`/api/v1/organizations/${owner.orgId}/site-owners/${listed.id}/documents/${upload.body.id}`)
        .set(bearer(owner.token))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect((download.body as Buffer).equals(PDF)).toBe(true);

      const approved = await api
        .http()
        .post(`/api/v1/organizations/${owner.orgId}/site-owners/${listed.id}/approve`)
        .set(bearer(owner.token));
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('active');
      expect(await status(so)).toEqual({
        stage: 'active',
        completed_steps: ['profile', 'bank_details', 'documents', 'approval'],
        pending_steps: [],
      });

      const profile = await api.http().get('/api/v1/site-owner/profile').set(bearer(so));
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ ...PROFILE, email, status: 'active' });
      const projects = await api.http().get('/api/v1/site-owner/projects').set(bearer(so));
      expect(projects.body).toEqual({
        data: [{ id: projectA.id, name: 'Canary Wharf Car Park', charge_point_count: 1, status: 'active' }],
        total: 1,
      });
    });

    it('lets a signed-in user with the invited email accept, and an operator reject with a reason', async () => {
      const project = await aProject(owner.token);
      const email = uniqueEmail('existing');
      // A person who already has a (site-owner) account from elsewhere signs in and accepts.
      const first = await inviteSiteOwner([project.id], email);
      const created = await api
        .http()
        .post(`/api/v1/site-owner/accept-invitation/${first.token}`)
        .send({ first_name: 'Kim', last_name: 'Host', password: 'correct horse battery staple' });
      const so = created.body.token.token as string;
      const project2 = await aProject(owner.token);
      const second = await inviteSiteOwner([project2.id], email);
      const linked = await api
        .http()
        .post(`/api/v1/site-owner/accept-invitation/${second.token}`)
        .set(bearer(so))
        .send({});
      expect(linked.status).toBe(200);
      expect(linked.body.token).toBeUndefined();
      expect(linked.body.projects.map((p: { id: string }) => p.id).sort()).toEqual(
        [project.id, project2.id].sort(),
      );

      await api.http().put('/api/v1/site-owner/profile').set(bearer(so)).send(PROFILE);
      await api
        .http()
        .put('/api/v1/site-owner/bank-details')
        .set(bearer(so))
        .send({ iban: 'DE89370400440532013000', account_holder: 'K' });
      await api.http().post('/api/v1/site-owner/documents').set(bearer(so)).attach('file', PNG, 'scan.png');
      expect((await api.http().post('/api/v1/site-owner/onboarding/complete').set(bearer(so))).status).toBe(
        200,
      );
      const id = created.body.site_owner.id;
      const noReason = await api
        .http()
        .post(`/api/v1/organizations/${owner.orgId}/site-owners/${id}/reject`)
        .set(bearer(owner.token))
        .send({});
      expect(noReason.status).toBe(400);
      const rejected = await api
        .http()
        .post(`/api/v1/organizations/${owner.orgId}/site-owners/${id}/reject`)
        .set(bearer(owner.token))
        .send({ reason: 'The scan is illegible' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', rejection_reason: 'The scan is illegible' });
      expect((await status(so)).stage).toBe('rejected');
      const twice = await api
        .http()
        .post(`/api/v1/organizations/${owner.orgId}/site-owners/${id}/approve`)
        .set(bearer(owner.token));
      expect(twice.status).toBe(409);
    });
  });

  describe('bad input', () => {
    let so: string;
    beforeAll(async () => {
      const project = await aProject(owner.token);
      so = (await aSiteOwner([project.id])).token;
      await api.http().put('/api/v1/site-owner/profile').set(bearer(so)).send(PROFILE);
    });

    it('refuses an IBAN with a wrong checksum', async () => {
      for (const iban of ['GB82 WEST 1234 5698 7654 33', 'DE00370400440532013000', 'not an iban at all']) {
        const res = await api
          .http()
          .put('/api/v1/site-owner/bank-details')
          .set(bearer(so))
          .send({ iban, account_holder: 'X' });
        expect({ iban, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({
          iban,
          status: 400,
          field: 'iban',
        });
      }
      const ok = await api
        .http()
        .put('/api/v1/site-owner/bank-details')
        .set(bearer(so))
        .send({ iban: VALID_IBAN, account_holder: 'X' });
      expect(ok.status).toBe(200);
    });

    it('refuses an executable renamed .pdf, an oversized document and a missing file', async () => {
      const before = readdirSync(documentsDir).length;
      const exe = await api
        .http()
        .post('/api/v1/site-owner/documents')
        .set(bearer(so))
        .attach('file', EXE, { filename: 'contract.pdf', contentType: 'application/pdf' });
      expect(exe.status).toBe(422);
      expect(exe.body.code).toBe('unsupported_document_type');

      const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX_BYTES + 1, 0x20)]);
      const oversized = await api
        .http()
        .post('/api/v1/site-owner/documents')
        .set(bearer(so))
        .attach('file', big, 'big.pdf');
      expect(oversized.status).toBe(413);
      expect(oversized.body.code).toBe('document_too_large');

      const none = await api.http().post('/api/v1/site-owner/documents').set(bearer(so)).field('note', 'x');
      expect(none.status).toBe(400);
      expect(readdirSync(documentsDir).length).toBe(before);
    });

    it('answers bad tokens: unknown 404, expired 410, revoked 409 (used 409 is in the onboarding test); no account fields 400', async () => {
      const signup = { first_name: 'A', last_name: 'B', password: 'correct horse battery staple' };
      const unknown = await api
        .http()
        .post('/api/v1/site-owner/accept-invitation/csms_inv_nope')
        .send(signup);
      expect(unknown.status).toBe(404);

      const project = await aProject(owner.token);
      const { token } = await inviteSiteOwner([project.id]);
      api.clock.advance(7 * DAY + 1000);
      const expired = await api.http().post(`/api/v1/site-owner/accept-invitation/${token}`).send(signup);
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('invitation_expired');

      const missing = await api.http().post(`/api/v1/site-owner/accept-invitation/${token}`).send({});
      expect(missing.status).toBe(400);

      api.clock.reset();
      const revokedOne = await inviteSiteOwner([project.id]);
      const listed = await api
        .http()
        .get(`/api/v1/organizations/${owner.orgId}/site-owners/invitations`)
        .set(bearer(owner.token));
      expect(listed.status).toBe(200);
      expect(listed.body.data[0]).toMatchObject({ id: revokedOne.invitation.id, status: 'pending' });
      const revoke = await api
        .http()
        .delete(`/api/v1/organizations/${owner.orgId}/site-owners/invitations/${revokedOne.invitation.id}`)
        .set(bearer(owner.token));
      expect(revoke.status).toBe(204);
      const revoked = await api
        .http()
        .post(`/api/v1/site-owner/accept-invitation/${revokedOne.token}`)
        .send(signup);
      expect(revoked.status).toBe(409);
      expect(revoked.body.code).toBe('invitation_revoked');
    });

    it('refuses an invitation to a project of another organization', async () => {
      const stranger = await signUp(api);
      const foreign = await aProject(stranger.token);
      const res = await api
        .http()
        .post(`/api/v1/organizations/${owner.orgId}/site-owners/invitations`)
        .set(bearer(owner.token))
        .send({ email: uniqueEmail('x'), project_ids: [foreign.id] });
      expect(res.status).toBe(404);
    });
  });

  describe('isolation', () => {
    it('shows a site owner only their projects and nothing else of the organization', async () => {
      const projectA = await aProject(owner.token, { name: 'A' });
      const projectB = await aProject(owner.token, { name: 'B' });
      await aChargePoint(api, owner.token, { project_id: projectA.id });
      const { token: so } = await aSiteOwner([projectA.id]);

      const mine = await api.http().get('/api/v1/site-owner/projects').set(bearer(so));
      expect(mine.body.data.map((p: { id: string }) => p.id)).toEqual([projectA.id]);

      const denied = [
        ['get', `/api/v1/projects/${projectB.id}`],
        ['get', `/api/v1/projects/${projectA.id}`],
        ['get', '/api/v1/projects'],
        ['get', '/api/v1/charge-points'],
        ['get', '/api/v1/sessions'],
        ['get', '/api/v1/reservations'],
        ['get', `/api/v1/organizations/${owner.orgId}`],
        ['get', `/api/v1/organizations/${owner.orgId}/members`],
        ['get', `/api/v1/organizations/${owner.orgId}/site-owners`],
        ['post', '/api/v1/organizations'],
        ['get', '/v1/members'],
      ] as const;
      for (const [method, path] of denied) {
        const res = await api
          .http()
          [method](path)
          .set(bearer(so))
          .set('X-Organization-Id', owner.orgId)
          .send({ name: 'Mine now' });
        expect({ path, denied: [403, 404].includes(res.status) }).toEqual({ path, denied: true });
      }
    });

    it('hides the site owner from an operator of another organization, and site-owner routes from operators and API keys', async () => {
      const project = await aProject(owner.token);
      const { id } = await aSiteOwner([project.id]);
      const stranger = await signUp(api);
      const res = await api
        .http()
        .get(`/api/v1/organizations/${stranger.orgId}/site-owners/${id}`)
        .set(bearer(stranger.token));
      expect(res.status).toBe(404);
      const approve = await api
        .http()
        .post(`/api/v1/organizations/${stranger.orgId}/site-owners/${id}/approve`)
        .set(bearer(stranger.token));
      expect(approve.status).toBe(404);
      const crossPath = await api
        .http()
        .get(`/api/v1/organizations/${owner.orgId}/site-owners/${id}`)
        .set(bearer(stranger.token));
      expect(crossPath.status).toBe(404);
      const foreignDoc = await api
        .http()
        .get(
          `/api/v1/organizations/${stranger.orgId}/site-owners/${id}/documents/doc_01HXD6E5F4G3H2I1JKMNPQRSTV`,
        )
        .set(bearer(stranger.token));
      expect(foreignDoc.status).toBe(404);

      expect((await api.http().get('/api/v1/site-owner/profile').set(bearer(owner.token))).status).toBe(403);
      const key = await createApiKey(api, owner.token, ['read:site_owners']);
      expect((await api.http().get('/api/v1/site-owner/profile').set('X-API-Key', key.key)).status).toBe(403);
      expect(
        (await api.http().get(`/api/v1/organizations/${owner.orgId}/site-owners`).set('X-API-Key', key.key))
          .status,
      ).toBe(200);
    });
  });
});
