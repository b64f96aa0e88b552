import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { newId } from '@csms/common';
import type { Role } from '@csms/domain';
import { ROUTE_EXPECTATIONS, RouteExpectation } from './access-control/expectations';
import {
  PermissionMatrix,
  ROLES,
  readPermissionMatrix,
  scopesGranting,
} from './access-control/permissions-doc';
import { aChargePoint, connectCharger, handshakeStatus } from './support/chargers';
import { spawnGateway } from './support/processes';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import { TestCharger } from './support/ocpp-charger';
import { bearer, uniqueEmail } from './support/session';
import { SmtpCapture, invitationToken, siteOwnerInvitationToken } from './support/smtp';
import {
  KeyRing,
  Principal,
  Secrets,
  Tenant,
  aTenant,
  delivered,
  driverInvitationToken,
  freshToken,
} from './support/tenants';

/**
 * Access control of every route, taken from the running app itself: who may call it (docs/permissions.md
 * is the contract), that another organization's resources answer 404 without their data, and that no
 * secret ever leaves the app after its one creation response, neither in answers nor in logs.
 */

const PUBLIC_URL = 'https://csms.example.test';
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
const PROBE_BODY = { unknown_probe_field: true };
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Absent ids, by path parameter name, for calls that must pass the guard and then find nothing. */
const ABSENT_ID_PREFIX: Record<string, string> = {
  key_id: 'key',
  user_id: 'usr',
  invitation_id: 'inv',
  project_id: 'proj',
  site_owner_id: 'so',
  document_id: 'doc',
  tag_id: 'tag',
  session_id: 'sess',
  command_id: 'cmd',
  reservation_id: 'res',
  tariff_id: 'trf',
  driver_id: 'drv',
  dispute_id: 'disp',
};

const params = (route: string) => [...route.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);

/** The routes the Express router serves, as "METHOD /path/{param}". */
function routerRoutes(app: INestApplication): string[] {
  const instance = app.getHttpAdapter().getInstance();
  const router = instance.router ?? instance._router;
  const routes: string[] = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    // Middleware bound to every path and method (router.all('/{*path}')) is not an endpoint.
    if (layer.route.path === '/{*path}' && methods.length > 20) continue;
    for (const method of methods) {
      routes.push(`${method.toUpperCase()} ${layer.route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    }
  }
  return routes;
}

const isDocumentation = (route: string) => /^GET \/docs([/-]|$)/.test(route);

type CallerKind = 'anonymous' | 'role' | 'driver' | 'site_owner' | 'api_key';
interface Caller {
  label: string;
  kind: CallerKind;
  role?: Role;
  principal?: Principal;
  /** An API key's scopes. */
  scopes?: string[];
}

interface Outcome {
  method: string;
  path: string;
  status: number;
  text: string;
}

describe('access control and secrets', () => {
  let smtp: SmtpCapture;
  let stack: TestStack;
  let api: RunningApp | undefined;
  let gateway: RunningApp | undefined;
  let matrix: PermissionMatrix;
  let alpha: Tenant;
  let bravo: Tenant;
  let alphaKeys: KeyRing;
  let bravoKeys: KeyRing;
  let allScopes: string[];
  let apiRoutes: string[];
  const secrets = new Secrets();
  /** Every answer of the sweep and the isolation checks, scanned for secrets at the end. */
  const answers: Outcome[] = [];
  const figures = { routes: 0, routePrincipalChecks: 0, isolationChecks: 0, listChecks: 0, secrets: 0 };
  const logDir = mkdtempSync(join(tmpdir(), 'csms-access-log-'));
  const apiLog = join(logDir, 'api.log');
  const gatewayLog = join(logDir, 'gateway.log');
  const gatewayProcessLog = join(logDir, 'gateway-process.log');
  const documentsDir = mkdtempSync(join(tmpdir(), 'csms-access-documents-'));
  const bravoCharger: { id: string; password: string; client?: TestCharger } = { id: '', password: '' };
  /** Bravo's resources, by path parameter name. */
  const b: Record<string, string> = {};
  /** Values of Bravo that no answer to Alpha may contain. */
  const bravoMarkers = new Set<string>(['Bravo', 'BRAVO']);
  let alphaChargePointId: string;

  const http = () => api!.http();

  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Record<string, unknown> | null,
  ): Promise<Response> {
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = http()[verb](path).set(headers);
    if (body && method !== 'GET' && method !== 'DELETE') req = req.send(body);
    const res = await req;
    answers.push({
      method,
      path,
      status: res.status,
      text: `${res.text ?? ''} ${JSON.stringify(res.headers)}`,
    });
    return res;
  }

  const owner = (tenant: Tenant) => bearer(tenant.owner.token);

  beforeAll(async () => {
    matrix = readPermissionMatrix();
    allScopes = [...matrix.scopes.keys()];
    smtp = await SmtpCapture.start();
    stack = await createTestStack({
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      SITE_OWNER_DOCUMENTS_DIR: documentsDir,
      LOG_LEVEL: 'debug',
      COMMAND_SWEEP_INTERVAL_SECONDS: '0',
      RESERVATION_SWEEP_INTERVAL_SECONDS: '0',
    });
    api = await startApi(stack, { LOG_FILE: apiLog });
    gateway = await startGateway(stack, { LOG_FILE: gatewayLog });
    alpha = await aTenant(api, smtp, 'Alpha');
    bravo = await aTenant(api, smtp, 'Bravo');
    alphaKeys = new KeyRing(api, alpha.owner.token, secrets);
    bravoKeys = new KeyRing(api, bravo.owner.token, secrets);
    for (const tenant of [alpha, bravo]) {
      for (const p of [...Object.values(tenant.roles), tenant.driver, tenant.siteOwner]) {
        secrets.add(`${p.label} token`, p.token);
        secrets.add(`${p.label} password`, p.password);
      }
      secrets.add(`${tenant.label} driver invitation`, tenant.driver.invitationToken);
      secrets.add(`${tenant.label} site owner invitation`, tenant.siteOwner.invitationToken);
    }
    // A pending member invitation in Alpha, so its list has one to (not) leak.
    const invited = uniqueEmail('alpha.invitee');
    expect(
      (
        await http()
          .post(`/api/v1/organizations/${alpha.orgId}/invitations`)
          .set(owner(alpha))
          .send({ email: invited, role: 'viewer' })
      ).status,
    ).toBe(201);
    secrets.add('Alpha member invitation', invitationToken(await delivered(api, smtp, invited)));
    const alphaCharger = await aChargePoint(api, alpha.owner.token, { name: 'Alpha Charger' });
    alphaChargePointId = alphaCharger.id;
    secrets.add('Alpha charger password', alphaCharger.password);
    await buildBravo();
  }, 180_000);

  afterAll(async () => {
    await bravoCharger.client?.close();
    await gateway?.close();
    await api?.close();
    await stack?.dispose();
    await smtp?.close();
  });

  /** Bravo's resources of every kind, through the real REST and OCPP flows. */
  async function buildBravo(): Promise<void> {
    const as = (path: string, body?: object) => http().post(path).set(owner(bravo)).send(body);
    const ok = (res: Response, status: number, what: string) => {
      if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    b.org_id = bravo.orgId;
    b.user_id = bravo.roles.viewer.userId;
    const members = ok(await http().get('/v1/members').set(owner(bravo)), 200, 'bravo members');
    const membership = (members.data as Array<{ id: string; userId: string }>).find(
      (m) => m.userId === bravo.roles.viewer.userId,
    );
    if (!membership) throw new Error(`no membership of the viewer in ${JSON.stringify(members)}`);
    b.membership_id = membership.id;

    const inviteeEmail = uniqueEmail('bravo.invitee');
    b.invitation_id = ok(
      await as(`/api/v1/organizations/${bravo.orgId}/invitations`, { email: inviteeEmail, role: 'viewer' }),
      201,
      'bravo invitation',
    ).id;
    secrets.add('Bravo member invitation', invitationToken(await delivered(api!, smtp, inviteeEmail)));

    b.key_id = (await bravoKeys.get(['read:charge_points'])).id;
    b.project_id = bravo.siteOwner.projectId;
    b.site_owner_id = bravo.siteOwner.siteOwnerId;
    const so = bearer(bravo.siteOwner.token);
    ok(
      await http().put('/api/v1/site-owner/profile').set(so).send({
        company_name: 'Bravo Estates plc',
        contact_name: 'Bravo Facilities',
        address: '2 Bravo Square, London',
        tax_id: 'GB987654321',
      }),
      200,
      'bravo site owner profile',
    );
    ok(
      await http()
        .put('/api/v1/site-owner/bank-details')
        .set(so)
        .send({ iban: 'GB82 WEST 1234 5698 7654 32', account_holder: 'Bravo Estates plc' }),
      200,
      'bravo bank details',
    );
    const doc = await http()
      .post('/api/v1/site-owner/documents')
      .set(so)
      .attach('file', PDF, { filename: 'bravo lease.pdf', contentType: 'application/pdf' });
    b.document_id = ok(doc, 201, 'bravo document').id;
    const hostEmail = uniqueEmail('bravo.host2');
    const secondProject = ok(
      await as('/api/v1/projects', { name: 'Bravo Second Site' }),
      201,
      'bravo project',
    );
    b.site_owner_invitation_id = ok(
      await as(`/api/v1/organizations/${bravo.orgId}/site-owners/invitations`, {
        email: hostEmail,
        project_ids: [secondProject.id],
        company_name: 'Bravo Second Estates',
      }),
      201,
      'bravo site owner invitation',
    ).id;
    secrets.add(
      'Bravo pending site owner invitation',
      siteOwnerInvitationToken(await delivered(api!, smtp, hostEmail)),
    );

    b.tariff_id = ok(
      await as('/api/v1/tariffs', { name: 'Bravo Standard', is_default: true, price_per_kwh: 0.3 }),
      201,
      'bravo tariff',
    ).id;
    const cp = await aChargePoint(api!, bravo.owner.token, { name: 'Bravo Charger' });
    Object.assign(bravoCharger, cp);
    secrets.add('Bravo charger password', cp.password);
    secrets.add('Bravo charger basic auth', Buffer.from(`${cp.id}:${cp.password}`).toString('base64'));
    b.id = cp.id;
    b.charge_point_id = cp.id;
    ok(
      await as(`/api/v1/charge-points/${cp.id}/evses`, { evse_id: 7, connectors: [{ connector_id: 1 }] }),
      201,
      'bravo evse',
    );
    b.evse_id = '7';
    b.connector_id = '1';
    const tagValue = `BRAVO-${randomBytes(3).toString('hex').toUpperCase()}`;
    bravoMarkers.add(tagValue);
    b.tag_id = ok(
      await as('/api/v1/id-tags', { value: tagValue, driver_id: bravo.driver.driverId }),
      201,
      'bravo id tag',
    ).id;
    b.driver_id = bravo.driver.driverId;

    const charger = new TestCharger(gateway!, cp.id, 'ocpp1.6', cp.password);
    bravoCharger.client = charger;
    await charger.connect();
    await charger.client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'Bravo' });
    for (const connectorId of [1, 2]) {
      await charger.client.call('StatusNotification', {
        connectorId,
        errorCode: 'NoError',
        status: 'Available',
        timestamp: new Date().toISOString(),
      });
    }
    b.reservation_id = ok(
      await as('/api/v1/reservations', {
        charge_point_id: cp.id,
        connector_id: 2,
        expiry_date: new Date(Date.now() + 3600_000).toISOString(),
        id_tag: tagValue,
      }),
      201,
      'bravo reservation',
    ).reservation_id;
    const t0 = new Date(Date.now() - 2 * 3600_000);
    const started = (await charger.client.call('StartTransaction', {
      connectorId: 1,
      idTag: tagValue,
      meterStart: 0,
      timestamp: t0.toISOString(),
    })) as { transactionId: number };
    await charger.client.call('StopTransaction', {
      transactionId: started.transactionId,
      idTag: tagValue,
      meterStop: 12_345,
      timestamp: new Date(t0.getTime() + 3600_000).toISOString(),
    });
    const sessions = ok(
      await http().get(`/api/v1/sessions?charge_point_id=${cp.id}`).set(owner(bravo)),
      200,
      'bravo sessions',
    );
    b.session_id = sessions.data[0].id;
    const command = await as(`/api/v1/charge-points/${cp.id}/actions/reset`, { type: 'soft' });
    if (![200, 202].includes(command.status)) throw new Error(`bravo command: ${command.status}`);
    b.command_id = command.body.id;
    b.dispute_id = ok(
      await http()
        .post(`/api/v1/portal/sessions/${b.session_id}/dispute`)
        .set(bearer(bravo.driver.token))
        .send({ reason: 'Bravo was charged for a full hour at a broken charger.' }),
      201,
      'bravo dispute',
    ).dispute_id;

    for (const value of Object.values(b)) if (value.length > 3) bravoMarkers.add(value);
    for (const p of [...Object.values(bravo.roles), bravo.driver, bravo.siteOwner]) bravoMarkers.add(p.email);
    bravoMarkers.add(bravo.orgName);
    bravoMarkers.add(inviteeEmail);
    bravoMarkers.add(hostEmail);
  }

  describe('routes', () => {
    it('the router and the OpenAPI document list the same routes, each with an expectation, and no expectation is stale', async () => {
      const all = routerRoutes(api!.app);
      apiRoutes = all.filter((r) => !isDocumentation(r));
      const doc = await http().get('/docs-json');
      expect(doc.status).toBe(200);
      const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
      );
      expect([...apiRoutes].sort()).toEqual([...new Set(apiRoutes)].sort());
      expect([...documented].sort()).toEqual([...apiRoutes].sort());
      expect([...apiRoutes].sort()).toEqual(Object.keys(ROUTE_EXPECTATIONS).sort());
      // The documentation module's own routes are public and serve the UI and the document.
      expect(all.filter(isDocumentation)).toEqual(expect.arrayContaining(['GET /docs', 'GET /docs-json']));
      expect((await http().get('/docs/')).status).toBe(200);
      figures.routes = apiRoutes.length;
      expect(apiRoutes.length).toBeGreaterThanOrEqual(100);
    });

    it('docs/permissions.md grants every permission the routes need, and names every public route', () => {
      for (const [route, { access }] of Object.entries(ROUTE_EXPECTATIONS)) {
        if (access.kind === 'public')
          expect({ route, named: matrix.text.includes(`\`${route}\``) }).toEqual({ route, named: true });
        if (access.kind !== 'permission') continue;
        expect({ route, known: matrix.roles.has(access.permission) }).toEqual({ route, known: true });
        expect({ route, scopes: scopesGranting(matrix, access.permission).length > 0 }).toEqual({
          route,
          scopes: true,
        });
      }
    });
  });

  /** Who is checked on a route, and whether each may pass the guard there. */
  function callersOf(expectation: RouteExpectation): Array<{ caller: Caller; allowed: boolean }> {
    const { access } = expectation;
    const checks: Array<{ caller: Caller; allowed: boolean }> = [];
    const isPublic = access.kind === 'public';
    checks.push({ caller: { label: 'no credentials', kind: 'anonymous' }, allowed: isPublic });
    for (const role of ROLES) {
      const allowed =
        isPublic ||
        (access.kind === 'permission' && matrix.roles.get(access.permission)!.has(role)) ||
        (access.kind === 'signed_in' && access.userKinds.includes('staff'));
      checks.push({ caller: { label: role, kind: 'role', role, principal: alpha.roles[role] }, allowed });
    }
    checks.push({
      caller: { label: 'driver', kind: 'driver', principal: alpha.driver },
      allowed:
        isPublic ||
        access.kind === 'driver' ||
        (access.kind === 'permission' && access.allowDrivers === true) ||
        (access.kind === 'signed_in' && access.userKinds.includes('driver')),
    });
    checks.push({
      caller: { label: 'site owner', kind: 'site_owner', principal: alpha.siteOwner },
      allowed:
        isPublic ||
        access.kind === 'site_owner' ||
        (access.kind === 'signed_in' && access.userKinds.includes('site_owner')),
    });
    if (access.kind === 'permission') {
      const granting = scopesGranting(matrix, access.permission);
      for (const scope of granting) {
        checks.push({ caller: { label: `key [${scope}]`, kind: 'api_key', scopes: [scope] }, allowed: true });
      }
      const others = allScopes.filter((s) => !granting.includes(s));
      checks.push({
        caller: { label: `key with every scope but ${granting.join(', ')}`, kind: 'api_key', scopes: others },
        allowed: false,
      });
    } else {
      checks.push({
        caller: { label: 'key with every scope', kind: 'api_key', scopes: allScopes },
        allowed: isPublic || (access.kind === 'signed_in' && access.apiKeys),
      });
    }
    return checks;
  }

  function probePath(route: string, expectation: RouteExpectation, orgId: string): string {
    const path = route.slice(route.indexOf(' ') + 1);
    return path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
      if (name === 'org_id') return orgId;
      const prefix = expectation.probe?.params?.[name] ?? ABSENT_ID_PREFIX[name];
      if (prefix) return newId(prefix as never);
      if (name === 'id' || name === 'charge_point_id') return `cp-absent-${randomBytes(4).toString('hex')}`;
      if (name === 'evse_id' || name === 'connector_id') return '1';
      if (name === 'action') return 'reset';
      if (name === 'token') return `csms_inv_absent${randomBytes(8).toString('hex')}`;
      throw new Error(`no absent value for {${name}} in ${route}: add one`);
    });
  }

  async function headersOf(caller: Caller, throwaway: boolean): Promise<Record<string, string>> {
    if (caller.kind === 'anonymous') return {};
    if (caller.kind === 'api_key') return { 'X-API-Key': (await alphaKeys.get(caller.scopes!)).key };
    if (!throwaway) return bearer(caller.principal!.token);
    const token = await freshToken(api!, caller.principal!);
    secrets.add(`${caller.label} fresh token`, token);
    return bearer(token);
  }

  it('every route admits exactly the principals docs/permissions.md names (401 without credentials, 403 otherwise)', async () => {
    expect(apiRoutes).toBeDefined();
    const failures: string[] = [];
    let checks = 0;
    for (const route of apiRoutes) {
      const expectation = ROUTE_EXPECTATIONS[route];
      if (!expectation) {
        failures.push(`${route}: no expectation in test/access-control/expectations.ts`);
        continue;
      }
      const method = route.slice(0, route.indexOf(' '));
      const body =
        expectation.probe?.body !== undefined
          ? expectation.probe.body
          : ['POST', 'PUT', 'PATCH'].includes(method)
            ? PROBE_BODY
            : null;
      const throwaway = expectation.probe?.throwaway ?? false;
      await Promise.all(
        callersOf(expectation).map(async ({ caller, allowed }) => {
          const path = probePath(route, expectation, alpha.orgId);
          const res = await send(method, path, await headersOf(caller, throwaway), body);
          checks++;
          const problem =
            String(res.headers['content-type'] ?? '').includes('application/problem+json') &&
            res.body?.status === res.status;
          const wanted = caller.kind === 'anonymous' ? 401 : 403;
          if (allowed && (res.status === 401 || res.status === 403 || res.status >= 500)) {
            failures.push(
              `${route} as ${caller.label}: expected to pass the guard, got ${res.status} ${res.text}`,
            );
          } else if (!allowed && (res.status !== wanted || !problem)) {
            failures.push(
              `${route} as ${caller.label}: expected ${wanted} problem, got ${res.status} ${res.text}`,
            );
          }
        }),
      );
    }
    figures.routePrincipalChecks = checks;
    console.log(`access control: ${apiRoutes.length} routes, ${checks} route × principal checks`);
    expect(failures).toEqual([]);
  }, 600_000);

  /**
   * Each route with a resource id in its path, called with Bravo's resource, with a valid body, so that
   * only the organization check can stop it.
   */
  const ISOLATION: Record<
    string,
    {
      body?: Record<string, unknown>;
      /** Which of Bravo's values a path parameter takes, when not the one of the same name. */
      ids?: Record<string, string>;
      /** Path parameters that are not ids. */
      literal?: Record<string, string>;
    }
  > = {
    'GET /api/v1/organizations/{org_id}': {},
    'PUT /api/v1/organizations/{org_id}': { body: { name: 'Alpha takes over' } },
    'GET /api/v1/organizations/{org_id}/settings': {},
    'PUT /api/v1/organizations/{org_id}/settings': { body: { timezone: 'Europe/Paris' } },
    'GET /api/v1/organizations/{org_id}/audit-log': {},
    'GET /api/v1/organizations/{org_id}/members': {},
    'PUT /api/v1/organizations/{org_id}/members/{user_id}/role': { body: { role: 'admin' } },
    'DELETE /api/v1/organizations/{org_id}/members/{user_id}': {},
    'POST /api/v1/organizations/{org_id}/invitations': {
      body: { email: 'alpha.intruder@example.com', role: 'admin' },
    },
    'GET /api/v1/organizations/{org_id}/invitations': {},
    'DELETE /api/v1/organizations/{org_id}/invitations/{invitation_id}': {},
    'POST /api/v1/organizations/{org_id}/invitations/{invitation_id}/resend': {},
    'GET /v1/members/{id}': { ids: { id: 'membership_id' } },
    'PATCH /v1/members/{id}': { ids: { id: 'membership_id' }, body: { role: 'ADMIN' } },
    'DELETE /v1/members/{id}': { ids: { id: 'membership_id' } },
    'DELETE /v1/invitations/{id}': { ids: { id: 'invitation_id' } },
    'POST /v1/invitations/{id}/resend': { ids: { id: 'invitation_id' } },
    'DELETE /api/v1/org/api-keys/{key_id}': {},
    'GET /api/v1/projects/{project_id}': {},
    'PATCH /api/v1/projects/{project_id}': { body: { name: 'Alpha project now' } },
    'DELETE /api/v1/projects/{project_id}': {},
    'PUT /api/v1/projects/{project_id}/tariff': { body: { tariff_id: null } },
    'POST /api/v1/organizations/{org_id}/site-owners/invitations': {
      body: { email: 'alpha.host@example.com', project_ids: [], company_name: 'Alpha' },
    },
    'GET /api/v1/organizations/{org_id}/site-owners/invitations': {},
    'DELETE /api/v1/organizations/{org_id}/site-owners/invitations/{invitation_id}': {
      ids: { invitation_id: 'site_owner_invitation_id' },
    },
    'GET /api/v1/organizations/{org_id}/site-owners': {},
    'GET /api/v1/organizations/{org_id}/site-owners/{site_owner_id}': {},
    'GET /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/documents/{document_id}': {},
    'POST /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/approve': {},
    'POST /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/reject': {
      body: { reason: 'Alpha rejects this site owner' },
    },
    'GET /api/v1/charge-points/{id}': {},
    'PATCH /api/v1/charge-points/{id}': { body: { name: 'Alpha owns this' } },
    'DELETE /api/v1/charge-points/{id}': {},
    'POST /api/v1/charge-points/{id}/password': { body: { password: 'alpha-chose-this-password' } },
    'GET /api/v1/charge-points/{id}/status': {},
    'GET /api/v1/charge-points/{id}/status-history': {},
    'GET /api/v1/charge-points/{id}/events': {},
    'GET /api/v1/charge-points/{id}/messages': {},
    'GET /api/v1/charge-points/{id}/evses': {},
    'POST /api/v1/charge-points/{id}/evses': { body: { evse_id: 9 } },
    'GET /api/v1/charge-points/{id}/evses/{evse_id}': {},
    'PATCH /api/v1/charge-points/{id}/evses/{evse_id}': { body: { max_power_kw: 11 } },
    'DELETE /api/v1/charge-points/{id}/evses/{evse_id}': {},
    'GET /api/v1/charge-points/{id}/evses/{evse_id}/connectors': {},
    'POST /api/v1/charge-points/{id}/evses/{evse_id}/connectors': { body: { connector_id: 2 } },
    'GET /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': {},
    'PATCH /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': {
      body: { max_power_kw: 11 },
    },
    'DELETE /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': {},
    'PUT /api/v1/charge-points/{charge_point_id}/tariff': { body: { tariff_id: null } },
    'POST /api/v1/charge-points/{id}/actions/{action}': {
      literal: { action: 'reset' },
      body: { type: 'hard' },
    },
    'GET /api/v1/commands/{command_id}': {},
    'GET /api/v1/charge-points/{id}/commands': {},
    'GET /api/v1/id-tags/{tag_id}': {},
    'PATCH /api/v1/id-tags/{tag_id}': { body: { status: 'blocked' } },
    'DELETE /api/v1/id-tags/{tag_id}': {},
    'GET /api/v1/sessions/{session_id}': {},
    'GET /api/v1/sessions/{session_id}/cost-breakdown': {},
    'GET /api/v1/sessions/{session_id}/meter-values': {},
    'GET /api/v1/reservations/{reservation_id}': {},
    'DELETE /api/v1/reservations/{reservation_id}': {},
    'GET /api/v1/tariffs/{tariff_id}': {},
    'PUT /api/v1/tariffs/{tariff_id}': { body: { name: 'Alpha price', price_per_kwh: 0.01 } },
    'DELETE /api/v1/tariffs/{tariff_id}': {},
    'GET /api/v1/drivers/{driver_id}': {},
    'PATCH /api/v1/drivers/{driver_id}': { body: { first_name: 'Alpha' } },
    'POST /api/v1/drivers/{driver_id}/resend-invitation': {},
    'POST /api/v1/disputes/{dispute_id}/resolve': { body: { outcome: 'accepted', note: 'Alpha refunds' } },
    'GET /api/v1/portal/sessions/{session_id}/cost-breakdown': {},
    'GET /api/v1/portal/sessions/{session_id}/receipt': {},
    'POST /api/v1/portal/sessions/{session_id}/dispute': {
      body: { reason: 'Alpha disputes a session of another network.' },
    },
  };
  /** Path parameters that are not resource ids of an organization. */
  const NOT_RESOURCE_IDS = new Set(['token', 'action', 'evse_id', 'connector_id']);

  function bravoPath(route: string): string {
    const { ids = {}, literal = {} } = ISOLATION[route];
    return route.slice(route.indexOf(' ') + 1).replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
      if (literal[name]) return literal[name];
      const value = b[ids[name] ?? name];
      if (!value) throw new Error(`no Bravo value for {${name}} in ${route}`);
      return value;
    });
  }

  /** Bravo's values in an answer to Alpha, leaving out the `instance` and the ids Alpha put in the path. */
  function bravoDataIn(res: Response, path: string): string[] {
    const body = { ...(res.body ?? {}) } as Record<string, unknown>;
    delete body.instance;
    let text = `${JSON.stringify(body)} ${typeof res.body === 'object' ? '' : res.text}`;
    for (const segment of path.split('/')) if (segment.length > 3) text = text.split(segment).join('<path>');
    return [...bravoMarkers].filter((marker) => text.includes(marker));
  }

  describe('tenant isolation', () => {
    it("every route with a resource id in its path answers 404 with none of the other organization's data", async () => {
      const withIds = apiRoutes.filter((r) => params(r).some((p) => !NOT_RESOURCE_IDS.has(p)));
      expect(Object.keys(ISOLATION).sort()).toEqual(withIds.sort());
      const allKey = (await alphaKeys.get(allScopes)).key;
      const failures: string[] = [];
      let checks = 0;
      for (const route of withIds) {
        const method = route.slice(0, route.indexOf(' '));
        const path = bravoPath(route);
        const { access } = ROUTE_EXPECTATIONS[route];
        const callers: Array<[string, Record<string, string>]> =
          access.kind === 'driver'
            ? [['Alpha driver', bearer(alpha.driver.token)]]
            : [
                ['Alpha owner', owner(alpha)],
                ['Alpha key with every scope', { 'X-API-Key': allKey }],
                ...(access.kind === 'permission' && access.allowDrivers
                  ? [['Alpha driver', bearer(alpha.driver.token)] as [string, Record<string, string>]]
                  : []),
              ];
        for (const [label, headers] of callers) {
          const res = await send(method, path, headers, ISOLATION[route].body ?? null);
          checks++;
          if (res.status !== 404)
            failures.push(`${route} as ${label}: expected 404, got ${res.status} ${res.text}`);
          const leaked = bravoDataIn(res, path);
          if (leaked.length) failures.push(`${route} as ${label}: answer holds Bravo's ${leaked.join(', ')}`);
        }
      }
      // The same reads as Bravo find the resources: the 404s above come from the organization check.
      for (const route of withIds.filter((r) => r.startsWith('GET '))) {
        const { access } = ROUTE_EXPECTATIONS[route];
        const token = access.kind === 'driver' ? bravo.driver.token : bravo.owner.token;
        const res = await send('GET', bravoPath(route), bearer(token));
        if (res.status !== 200)
          failures.push(`${route} as Bravo: expected 200, got ${res.status} ${res.text}`);
      }
      figures.isolationChecks = checks;
      console.log(`tenant isolation: ${withIds.length} routes, ${checks} cross-organization checks`);
      expect(failures).toEqual([]);
    }, 300_000);

    it("no list of Alpha holds Bravo's rows", async () => {
      const lists = apiRoutes.filter(
        (r) => r.startsWith('GET ') && params(r).every((p) => p === 'org_id') && r !== 'GET /health',
      );
      const allKey = (await alphaKeys.get(allScopes)).key;
      const failures: string[] = [];
      let checks = 0;
      for (const route of lists) {
        const path = route.slice(4).replace('{org_id}', alpha.orgId);
        const { access } = ROUTE_EXPECTATIONS[route];
        const callers: Array<[string, Record<string, string>]> =
          access.kind === 'driver'
            ? [['Alpha driver', bearer(alpha.driver.token)]]
            : access.kind === 'site_owner'
              ? [['Alpha site owner', bearer(alpha.siteOwner.token)]]
              : [
                  ['Alpha owner', owner(alpha)],
                  ['Alpha key with every scope', { 'X-API-Key': allKey }],
                  ['Alpha driver', bearer(alpha.driver.token)],
                ];
        for (const [label, headers] of callers) {
          const res = await send('GET', path, headers);
          if (label === 'Alpha driver' && res.status === 403) continue;
          checks++;
          if (res.status !== 200) failures.push(`${route} as ${label}: expected 200, got ${res.status}`);
          const leaked = [...bravoMarkers].filter((m) => res.text.includes(m));
          if (leaked.length) failures.push(`${route} as ${label}: lists Bravo's ${leaked.join(', ')}`);
        }
      }
      // Filters naming Bravo's resources find nothing either.
      for (const path of [
        `/api/v1/sessions?charge_point_id=${b.id}`,
        `/api/v1/reservations?charge_point_id=${b.id}`,
        `/api/v1/id-tags?driver_id=${b.driver_id}`,
      ]) {
        const res = await send('GET', path, owner(alpha));
        checks++;
        const leaked = [...bravoMarkers].filter((m) =>
          res.text.split(b.id).join('').split(b.driver_id).join('').includes(m),
        );
        if (res.status !== 200 || res.body.data?.length !== 0 || leaked.length)
          failures.push(`${path}: ${res.status} ${res.text} ${leaked.join(', ')}`);
      }
      // Naming Bravo in X-Organization-Id gets Alpha's users and keys nowhere: 404, as for a path org_id.
      for (const route of lists.filter((r) => !r.includes('{org_id}'))) {
        const { access } = ROUTE_EXPECTATIONS[route];
        if (access.kind !== 'permission') continue;
        for (const [label, headers] of [
          ['Alpha owner', owner(alpha)],
          ['Alpha key with every scope', { 'X-API-Key': allKey }],
        ] as Array<[string, Record<string, string>]>) {
          const res = await send('GET', route.slice(4), { ...headers, 'X-Organization-Id': bravo.orgId });
          checks++;
          const leaked = [...bravoMarkers].filter((m) => res.text.split(bravo.orgId).join('').includes(m));
          if (res.status !== 404 || leaked.length)
            failures.push(`${route} as ${label} naming Bravo: ${res.status} ${leaked.join(', ')}`);
        }
      }
      figures.listChecks = checks;
      console.log(`tenant isolation: ${lists.length} lists, ${checks} list checks`);
      expect(failures).toEqual([]);
    }, 120_000);

    it("the other organization's ids in a body are not found either, and nothing of Alpha's changes", async () => {
      const allKey = (await alphaKeys.get(allScopes)).key;
      const project = alpha.siteOwner.projectId;
      const cases: Array<[string, string, Record<string, unknown>]> = [
        ['POST', '/api/v1/id-tags', { value: 'ALPHA-LINKED', driver_id: b.driver_id }],
        ['PUT', `/api/v1/charge-points/${alphaChargePointId}/tariff`, { tariff_id: b.tariff_id }],
        ['PUT', `/api/v1/projects/${project}/tariff`, { tariff_id: b.tariff_id }],
        ['PATCH', `/api/v1/charge-points/${alphaChargePointId}`, { project_id: b.project_id }],
        [
          'POST',
          '/api/v1/charge-points',
          { id: `cp-alpha-${randomBytes(3).toString('hex')}`, project_id: b.project_id },
        ],
        [
          'POST',
          '/api/v1/reservations',
          {
            charge_point_id: b.id,
            connector_id: 1,
            expiry_date: new Date(Date.now() + 3600_000).toISOString(),
            id_tag: 'ALPHA',
          },
        ],
        [
          'POST',
          `/api/v1/organizations/${alpha.orgId}/site-owners/invitations`,
          { email: uniqueEmail('alpha.cross'), project_ids: [b.project_id] },
        ],
      ];
      const failures: string[] = [];
      for (const [method, path, body] of cases) {
        for (const [label, headers] of [
          ['Alpha owner', owner(alpha)],
          ['Alpha key with every scope', { 'X-API-Key': allKey }],
        ] as Array<[string, Record<string, string>]>) {
          const res = await send(method, path, headers, body);
          figures.isolationChecks++;
          const leaked = bravoDataIn(res, path).filter((m) => !JSON.stringify(body).includes(m));
          if (res.status !== 404 || leaked.length)
            failures.push(`${method} ${path} as ${label}: ${res.status} ${res.text} ${leaked.join(', ')}`);
        }
      }
      const cp = await http().get(`/api/v1/charge-points/${alphaChargePointId}`).set(owner(alpha));
      expect(cp.body.project_id ?? null).toBeNull();
      expect(failures).toEqual([]);
    });
  });

  describe('secrets', () => {
    async function storedHashes(): Promise<Array<[string, string]>> {
      const db = api!.app.get(DataSource);
      const columns: Array<{ table_name: string; column_name: string }> = await db.query(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name LIKE '%hash%' AND data_type IN ('text', 'character varying')`,
      );
      const values: Array<[string, string]> = [];
      for (const { table_name, column_name } of columns) {
        const rows: Array<{ v: string }> = await db.query(
          `SELECT DISTINCT "${column_name}" AS v FROM "${table_name}" WHERE "${column_name}" IS NOT NULL`,
        );
        for (const { v } of rows) values.push([`${table_name}.${column_name}`, v]);
      }
      return values;
    }

    function needles(hashes: Array<[string, string]>): Array<[string, string]> {
      const out: Array<[string, string]> = [];
      for (const [value, label] of secrets.values) {
        out.push([label, value], [`sha256 of ${label}`, sha256(value)]);
        // A piece past any fixed prefix (`csms_ut_`...) catches a secret cut short, as a log line might.
        if (value.length >= 24) out.push([`part of ${label}`, value.slice(8, 24)]);
      }
      for (const [column, value] of hashes) out.push([`stored ${column}`, value]);
      return out;
    }

    it('invitation answers (creation, resend, lists) never carry the token the email carries', async () => {
      const from = answers.length;
      const ok = (res: Response, what: string) => {
        if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
        return res.body;
      };
      const tokens: string[] = [];
      const memberEmail = uniqueEmail('alpha.pending');
      const invitation = ok(
        await send('POST', `/api/v1/organizations/${alpha.orgId}/invitations`, owner(alpha), {
          email: memberEmail,
          role: 'operator',
        }),
        'member invitation',
      );
      tokens.push(invitationToken(await delivered(api!, smtp, memberEmail, 1)));
      ok(
        await send(
          'POST',
          `/api/v1/organizations/${alpha.orgId}/invitations/${invitation.id}/resend`,
          owner(alpha),
        ),
        'member invitation resend',
      );
      tokens.push(invitationToken(await delivered(api!, smtp, memberEmail, 2)));
      ok(await send('POST', `/v1/invitations/${invitation.id}/resend`, owner(alpha)), 'management resend');
      tokens.push(invitationToken(await delivered(api!, smtp, memberEmail, 3)));
      ok(await send('GET', `/api/v1/organizations/${alpha.orgId}/invitations`, owner(alpha)), 'invitations');
      ok(await send('GET', '/v1/invitations', owner(alpha)), 'management invitations');

      const driverEmail = uniqueEmail('alpha.pending.driver');
      const driver = ok(
        await send('POST', '/api/v1/drivers', owner(alpha), {
          email: driverEmail,
          first_name: 'Pending',
          last_name: 'Driver',
        }),
        'driver',
      );
      tokens.push(driverInvitationToken(await delivered(api!, smtp, driverEmail, 1)));
      ok(await send('POST', `/api/v1/drivers/${driver.id}/resend-invitation`, owner(alpha)), 'driver resend');
      tokens.push(driverInvitationToken(await delivered(api!, smtp, driverEmail, 2)));
      ok(await send('GET', `/api/v1/drivers/${driver.id}`, owner(alpha)), 'driver');

      const project = ok(
        await send('POST', '/api/v1/projects', owner(alpha), { name: 'Alpha Pending Site' }),
        'project',
      );
      const hostEmail = uniqueEmail('alpha.pending.host');
      ok(
        await send('POST', `/api/v1/organizations/${alpha.orgId}/site-owners/invitations`, owner(alpha), {
          email: hostEmail,
          project_ids: [project.id],
        }),
        'site owner invitation',
      );
      tokens.push(siteOwnerInvitationToken(await delivered(api!, smtp, hostEmail, 1)));
      ok(
        await send('GET', `/api/v1/organizations/${alpha.orgId}/site-owners/invitations`, owner(alpha)),
        'site owner invitations',
      );

      tokens.forEach((token, i) => secrets.add(`pending invitation ${i + 1}`, token));
      expect(new Set(tokens).size).toBe(6);
      const seen = answers
        .slice(from)
        .filter((a) => tokens.some((t) => a.text.includes(t) || a.text.includes(sha256(t))));
      expect(seen.map((a) => `${a.method} ${a.path}`)).toEqual([]);
    }, 120_000);

    it('no answer of the sweep holds a token, key, password, invitation token, or their hashes', async () => {
      expect(answers.length).toBeGreaterThan(1000);
      const hashes = await storedHashes();
      expect(hashes.length).toBeGreaterThan(10);
      const all = needles(hashes);
      figures.secrets = all.length;
      const leaks: string[] = [];
      for (const answer of answers) {
        for (const [label, needle] of all) {
          if (answer.text.includes(needle))
            leaks.push(`${answer.method} ${answer.path} (${answer.status}): ${label}`);
        }
      }
      console.log(`secrets: ${all.length} values scanned in ${answers.length} answers`);
      expect(leaks).toEqual([]);
    }, 120_000);

    it('no log line of the api or the gateway holds one, charger handshakes and bad passwords included', async () => {
      // Handshakes: Bravo's charger signed in with Basic auth above; now wrong passwords and ids.
      const wrong = 'wrong-password-4711-abcdef';
      secrets.add('wrong charger password', wrong);
      secrets.add('wrong charger basic auth', Buffer.from(`${bravoCharger.id}:${wrong}`).toString('base64'));
      expect(await handshakeStatus({ port: gateway!.port, identity: bravoCharger.id, password: wrong })).toBe(
        401,
      );
      expect(
        await handshakeStatus({
          port: gateway!.port,
          identity: 'cp-nobody-here',
          password: bravoCharger.password,
        }),
      ).toBe(404);
      // Failed sign-ins with a real user's email log nothing of the password either.
      const badLogin = await http()
        .post('/api/v1/auth/login')
        .send({ email: alpha.owner.email, password: 'not-the-password-but-secret-too' });
      expect(badLogin.status).toBe(401);
      secrets.add('wrong user password', 'not-the-password-but-secret-too');

      const hashes = await storedHashes();
      await bravoCharger.client?.close();
      bravoCharger.client = undefined;
      await gateway!.close();
      gateway = undefined;
      await api!.close();
      api = undefined;

      // The gateway as production runs it, in its own process: its own log file, Basic-auth handshakes
      // with the right password, a wrong one, and an unknown charger.
      const child = await spawnGateway(stack, {
        LOG_LEVEL: 'debug',
        LOG_FILE: gatewayProcessLog,
        GATEWAY_NODE_ID: 'access-control-node',
      });
      try {
        const client = await connectCharger({
          port: child.port,
          identity: bravoCharger.id,
          password: bravoCharger.password,
        });
        await client.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'Bravo' });
        await client.close({ force: true });
        expect(await handshakeStatus({ port: child.port, identity: bravoCharger.id, password: wrong })).toBe(
          401,
        );
        expect(
          await handshakeStatus({
            port: child.port,
            identity: 'cp-nobody-here',
            password: bravoCharger.password,
          }),
        ).toBe(404);
      } finally {
        await child.stop();
      }

      const logs = {
        api: readFileSync(apiLog, 'utf8'),
        gateway: readFileSync(gatewayLog, 'utf8'),
        'gateway process': readFileSync(gatewayProcessLog, 'utf8'),
      };
      // The logs are there, at debug level, and saw what happened. (The api and the in-process gateway
      // share this process, where nestjs-pino keeps one root logger: their lines may land in either file.)
      const both = `${logs.api}\n${logs.gateway}`;
      expect(both).toContain('"level":20');
      expect(both).toContain('/api/v1/auth/login');
      expect(both).toContain('"context":"OcppServer"');
      expect(both).toContain(bravoCharger.id);
      expect(both).toContain('cp-nobody-here');
      const own = logs['gateway process'];
      expect(own).toContain('"service":"ocpp-gateway"');
      expect(own).toMatch(new RegExp(`"chargePointId":"${bravoCharger.id}".*"action":"BootNotification"`));
      expect(own).toMatch(new RegExp(`"identity":"${bravoCharger.id}".*"code":401`));
      expect(own).toMatch(/"identity":"cp-nobody-here".*"code":404/);
      const leaks: string[] = [];
      for (const [name, log] of Object.entries(logs)) {
        for (const [label, needle] of needles(hashes))
          if (log.includes(needle)) leaks.push(`${name} log: ${label}`);
      }
      const kib = (text: string) => Math.round(text.length / 1024);
      console.log(
        `secrets: logs of ${kib(both)} KiB (api and in-process gateway) and ${kib(own)} KiB (gateway process) ` +
          `scanned; figures ${JSON.stringify(figures)}`,
      );
      expect(leaks).toEqual([]);
    }, 300_000);
  });
});
