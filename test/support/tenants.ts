import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Role } from '@csms/domain';
import type { RunningApp } from './harness';
import { seedMember } from './members';
import { bearer, createApiKey, signUp, uniqueEmail } from './session';
import { SmtpCapture, siteOwnerInvitationToken } from './smtp';

/**
 * Organizations with one principal of every kind, built through the real flows (sign-up, driver and
 * site-owner invitations by email), for suites that check who may call what.
 */

export const STAFF_PASSWORD = 'correct horse battery staple';
export const DRIVER_PASSWORD = 'a long driver password';

export interface Principal {
  label: string;
  email: string;
  password: string;
  userId: string;
  token: string;
}

export interface Tenant {
  label: string;
  orgId: string;
  orgName: string;
  owner: Principal;
  /** owner, admin, operator, member, billing, viewer. */
  roles: Record<Role, Principal>;
  driver: Principal & { driverId: string; invitationToken: string };
  siteOwner: Principal & { siteOwnerId: string; invitationToken: string; projectId: string };
}

/** Every secret and identifying value a suite knows, to look for where none may appear. */
export class Secrets {
  readonly values = new Map<string, string>();

  add(label: string, value: string | undefined | null): void {
    if (value) this.values.set(value, label);
  }
}

/**
 * The email reaches the SMTP server a moment before the worker commits the row as sent (and the token's
 * hash with it): wait for both, as a person clicking the link does.
 */
export async function delivered(api: RunningApp, smtp: SmtpCapture, address: string, count = 1) {
  const mail = await smtp.waitFor(address, count);
  const db = api.app.get(DataSource);
  const deadline = Date.now() + 15_000;
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

export function driverInvitationToken(mail: { text: string }): string {
  const match = /drivers\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no driver invitation link in: ${mail.text.slice(0, 500)}`);
  return match[1];
}

async function expectStatus(res: { status: number; body: unknown }, status: number, what: string) {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** An invited driver who accepted by email; their own sign-in token. */
export async function anActiveDriver(
  api: RunningApp,
  smtp: SmtpCapture,
  ownerToken: string,
  label: string,
): Promise<Tenant['driver']> {
  const email = uniqueEmail(`${label}.driver`);
  const created = await api
    .http()
    .post('/api/v1/drivers')
    .set(bearer(ownerToken))
    .send({ email, first_name: `${label}Driver`, last_name: 'Person' });
  await expectStatus(created, 201, 'driver creation');
  const token = driverInvitationToken(await delivered(api, smtp, email));
  const accepted = await api
    .http()
    .post('/api/v1/drivers/invitations/accept')
    .send({ token, password: DRIVER_PASSWORD });
  await expectStatus(accepted, 200, 'driver acceptance');
  return {
    label: `${label} driver`,
    email,
    password: DRIVER_PASSWORD,
    userId: accepted.body.token.user?.user_id ?? '',
    token: accepted.body.token.token,
    driverId: created.body.id,
    invitationToken: token,
  };
}

/** A project and a site owner invited to it who accepted (and so created their account). */
export async function anAcceptedSiteOwner(
  api: RunningApp,
  smtp: SmtpCapture,
  orgId: string,
  ownerToken: string,
  label: string,
): Promise<Tenant['siteOwner']> {
  const project = await api
    .http()
    .post('/api/v1/projects')
    .set(bearer(ownerToken))
    .send({ name: `${label} Car Park ${randomBytes(3).toString('hex')}` });
  await expectStatus(project, 201, 'project creation');
  const email = uniqueEmail(`${label}.host`);
  const invited = await api
    .http()
    .post(`/api/v1/organizations/${orgId}/site-owners/invitations`)
    .set(bearer(ownerToken))
    .send({ email, project_ids: [project.body.id], company_name: `${label} Estates` });
  await expectStatus(invited, 201, 'site owner invitation');
  const token = siteOwnerInvitationToken(await delivered(api, smtp, email));
  const accepted = await api
    .http()
    .post(`/api/v1/site-owner/accept-invitation/${token}`)
    .send({ first_name: `${label}Host`, last_name: 'Owner', password: STAFF_PASSWORD });
  await expectStatus(accepted, 200, 'site owner acceptance');
  return {
    label: `${label} site owner`,
    email,
    password: STAFF_PASSWORD,
    userId: accepted.body.token.user?.user_id ?? '',
    token: accepted.body.token.token,
    siteOwnerId: accepted.body.site_owner.id,
    invitationToken: token,
    projectId: project.body.id,
  };
}

/** An organization with its owner, one member of each other role, an active driver and a site owner. */
export async function aTenant(api: RunningApp, smtp: SmtpCapture, label: string): Promise<Tenant> {
  const orgName = `${label} Charging ${randomBytes(3).toString('hex')}`;
  const signed = await signUp(api, {
    organization_name: orgName,
    first_name: `${label}First`,
    last_name: `${label}Last`,
    email: uniqueEmail(`${label.toLowerCase()}.owner`),
  });
  const owner: Principal = {
    label: `${label} owner`,
    email: signed.email,
    password: signed.password,
    userId: signed.userId,
    token: signed.token,
  };
  const roles = { owner } as Record<Role, Principal>;
  for (const role of ['admin', 'operator', 'member', 'billing', 'viewer'] as const) {
    const seeded = await seedMember(api, signed.orgId, role);
    roles[role] = { label: `${label} ${role}`, password: STAFF_PASSWORD, ...seeded };
  }
  const driver = await anActiveDriver(api, smtp, owner.token, label);
  const siteOwner = await anAcceptedSiteOwner(api, smtp, signed.orgId, owner.token, label);
  return { label, orgId: signed.orgId, orgName, owner, roles, driver, siteOwner };
}

/** API keys of a tenant, made once per distinct scope set. */
export class KeyRing {
  private readonly keys = new Map<string, Promise<{ id: string; key: string }>>();

  constructor(
    private readonly api: RunningApp,
    private readonly ownerToken: string,
    private readonly secrets: Secrets,
  ) {}

  get(scopes: string[]): Promise<{ id: string; key: string }> {
    const name = [...scopes].sort().join(' ');
    let key = this.keys.get(name);
    if (!key) {
      key = createApiKey(this.api, this.ownerToken, scopes).then((k) => {
        this.secrets.add(`api key [${name}]`, k.key);
        return k;
      });
      this.keys.set(name, key);
    }
    return key;
  }
}

/** A fresh sign-in token for a principal (for calls that end the caller's own session). */
export async function freshToken(api: RunningApp, principal: Principal): Promise<string> {
  const res = await api
    .http()
    .post('/api/v1/auth/login')
    .send({ email: principal.email, password: principal.password });
  await expectStatus(res, 200, `login of ${principal.label}`);
  return res.body.token;
}
