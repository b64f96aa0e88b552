/**
 * Who may call each route of the api, written by hand from docs/permissions.md (and the feature docs it
 * links to). The access-control suite enumerates the routes of the running app: a route missing here, or
 * an entry for a route that no longer exists, fails it. Keys are "METHOD /path/{param}" as in OpenAPI.
 */
import type { UserKind } from '@csms/domain';

export type Access =
  /** No credentials needed (the public allowlist). */
  | { kind: 'public' }
  /** Staff users whose role grants the permission, and API keys with a scope granting it. */
  | { kind: 'permission'; permission: string; allowDrivers?: boolean }
  /** Only a signed-in, active driver (the portal). */
  | { kind: 'driver' }
  /** Only a signed-in site owner (their own onboarding API). */
  | { kind: 'site_owner' }
  /** Any signed-in user of the given kinds, and API keys when `apiKeys`. */
  | { kind: 'signed_in'; userKinds: UserKind[]; apiKeys: boolean };

export interface Probe {
  /**
   * Id prefixes of path parameters whose name alone does not say what they are (`{id}`): the probe puts
   * an absent id of that kind there. Otherwise `{org_id}` is the caller's organization and every other
   * parameter an absent id named after it, so an allowed call answers 404 after the guard.
   */
  params?: Record<string, string>;
  /**
   * The request body. Writes default to one unknown property, which the validation pipe refuses after
   * the guard (400): an allowed call then changes nothing.
   */
  body?: Record<string, unknown> | null;
  /** The call acts on the caller's own credential (logout): each principal gets a fresh one. */
  throwaway?: boolean;
}

export interface RouteExpectation {
  access: Access;
  probe?: Probe;
}

const PUBLIC: RouteExpectation = { access: { kind: 'public' } };
const DRIVER: RouteExpectation = { access: { kind: 'driver' } };
const SITE_OWNER: RouteExpectation = { access: { kind: 'site_owner' } };
const needs = (permission: string, probe?: Probe): RouteExpectation => ({
  access: { kind: 'permission', permission },
  probe,
});
const needsOrDriver = (permission: string): RouteExpectation => ({
  access: { kind: 'permission', permission, allowDrivers: true },
});

export const ROUTE_EXPECTATIONS: Record<string, RouteExpectation> = {
  // Public allowlist (docs/permissions.md, "Public routes").
  'GET /health': PUBLIC,
  'POST /api/v1/auth/signup': PUBLIC,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/organizations/invitations/accept': PUBLIC,
  'POST /api/v1/drivers/invitations/accept': PUBLIC,
  'POST /api/v1/site-owner/accept-invitation/{token}': PUBLIC,

  // Identity.
  'POST /api/v1/auth/logout': {
    access: { kind: 'signed_in', userKinds: ['staff', 'driver', 'site_owner'], apiKeys: false },
    probe: { throwaway: true, body: null },
  },
  'GET /api/v1/me': {
    access: { kind: 'signed_in', userKinds: ['staff', 'driver', 'site_owner'], apiKeys: true },
  },

  // Organizations.
  'POST /api/v1/organizations': { access: { kind: 'signed_in', userKinds: ['staff'], apiKeys: false } },
  'GET /api/v1/organizations/{org_id}': needs('organizations.read'),
  'PUT /api/v1/organizations/{org_id}': needs('organizations.update'),
  'GET /api/v1/organizations/{org_id}/settings': needs('settings.read'),
  'PUT /api/v1/organizations/{org_id}/settings': needs('settings.update'),
  'GET /api/v1/organizations/{org_id}/audit-log': needs('audit_log.read'),

  // Members and invitations.
  'GET /api/v1/organizations/{org_id}/members': needs('members.read'),
  'PUT /api/v1/organizations/{org_id}/members/{user_id}/role': needs('members.manage'),
  'DELETE /api/v1/organizations/{org_id}/members/{user_id}': needs('members.manage'),
  'POST /api/v1/organizations/{org_id}/invitations': needs('invitations.manage'),
  'GET /api/v1/organizations/{org_id}/invitations': needs('invitations.read'),
  'DELETE /api/v1/organizations/{org_id}/invitations/{invitation_id}': needs('invitations.manage'),
  'POST /api/v1/organizations/{org_id}/invitations/{invitation_id}/resend': needs('invitations.manage'),

  // Management API (same permissions as the members and invitations routes).
  'GET /v1/members': needs('members.read'),
  'GET /v1/members/{id}': needs('members.read', { params: { id: 'mem' } }),
  'PATCH /v1/members/{id}': needs('members.manage', { params: { id: 'mem' } }),
  'DELETE /v1/members/{id}': needs('members.manage', { params: { id: 'mem' } }),
  'GET /v1/invitations': needs('invitations.read'),
  'POST /v1/invitations': needs('invitations.manage'),
  'DELETE /v1/invitations/{id}': needs('invitations.manage', { params: { id: 'inv' } }),
  'POST /v1/invitations/{id}/resend': needs('invitations.manage', { params: { id: 'inv' } }),

  // API keys.
  'POST /api/v1/org/api-keys': needs('api_keys.manage'),
  'GET /api/v1/org/api-keys': needs('api_keys.read'),
  'DELETE /api/v1/org/api-keys/{key_id}': needs('api_keys.manage'),

  // Projects and site owners (operator side).
  'POST /api/v1/projects': needs('projects.write'),
  'GET /api/v1/projects': needs('projects.read'),
  'GET /api/v1/projects/{project_id}': needs('projects.read'),
  'PATCH /api/v1/projects/{project_id}': needs('projects.write'),
  'DELETE /api/v1/projects/{project_id}': needs('projects.write'),
  'POST /api/v1/organizations/{org_id}/site-owners/invitations': needs('site_owners.manage'),
  'GET /api/v1/organizations/{org_id}/site-owners/invitations': needs('site_owners.read'),
  'DELETE /api/v1/organizations/{org_id}/site-owners/invitations/{invitation_id}':
    needs('site_owners.manage'),
  'GET /api/v1/organizations/{org_id}/site-owners': needs('site_owners.read'),
  'GET /api/v1/organizations/{org_id}/site-owners/{site_owner_id}': needs('site_owners.read'),
  'GET /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/documents/{document_id}':
    needs('site_owners.read'),
  'POST /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/approve': needs('site_owners.manage'),
  'POST /api/v1/organizations/{org_id}/site-owners/{site_owner_id}/reject': needs('site_owners.manage'),

  // The site owner's own API (docs/site-owners.md).
  'GET /api/v1/site-owner/profile': SITE_OWNER,
  'PUT /api/v1/site-owner/profile': SITE_OWNER,
  'PUT /api/v1/site-owner/bank-details': SITE_OWNER,
  'POST /api/v1/site-owner/documents': SITE_OWNER,
  'GET /api/v1/site-owner/onboarding/status': SITE_OWNER,
  'POST /api/v1/site-owner/onboarding/complete': SITE_OWNER,
  'GET /api/v1/site-owner/projects': SITE_OWNER,

  // Charge points, EVSEs and connectors.
  'POST /api/v1/charge-points': needs('charge_points.write'),
  'GET /api/v1/charge-points': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}': needs('charge_points.read'),
  'PATCH /api/v1/charge-points/{id}': needs('charge_points.write'),
  'DELETE /api/v1/charge-points/{id}': needs('charge_points.write'),
  'POST /api/v1/charge-points/{id}/password': needs('charge_points.write'),
  'GET /api/v1/charge-points/{id}/status': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}/status-history': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}/events': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}/messages': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}/evses': needs('charge_points.read'),
  'POST /api/v1/charge-points/{id}/evses': needs('charge_points.write'),
  'GET /api/v1/charge-points/{id}/evses/{evse_id}': needs('charge_points.read'),
  'PATCH /api/v1/charge-points/{id}/evses/{evse_id}': needs('charge_points.write'),
  'DELETE /api/v1/charge-points/{id}/evses/{evse_id}': needs('charge_points.write'),
  'GET /api/v1/charge-points/{id}/evses/{evse_id}/connectors': needs('charge_points.read'),
  'POST /api/v1/charge-points/{id}/evses/{evse_id}/connectors': needs('charge_points.write'),
  'GET /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': needs('charge_points.read'),
  'PATCH /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': needs('charge_points.write'),
  'DELETE /api/v1/charge-points/{id}/evses/{evse_id}/connectors/{connector_id}': needs('charge_points.write'),

  // Remote commands.
  'POST /api/v1/charge-points/{id}/actions/{action}': needs('charge_points.command'),
  'GET /api/v1/commands/{command_id}': needs('charge_points.read'),
  'GET /api/v1/charge-points/{id}/commands': needs('charge_points.read'),

  // Id tags.
  'POST /api/v1/id-tags': needs('id_tags.write'),
  'GET /api/v1/id-tags': needs('id_tags.read'),
  'GET /api/v1/id-tags/{tag_id}': needs('id_tags.read'),
  'PATCH /api/v1/id-tags/{tag_id}': needs('id_tags.write'),
  'DELETE /api/v1/id-tags/{tag_id}': needs('id_tags.write'),

  // Sessions.
  'GET /api/v1/sessions': needs('sessions.read'),
  'GET /api/v1/sessions/stats': needs('sessions.read'),
  'GET /api/v1/sessions/{session_id}': needs('sessions.read'),
  'GET /api/v1/sessions/{session_id}/cost-breakdown': needs('sessions.read'),
  'GET /api/v1/sessions/{session_id}/meter-values': needs('sessions.read'),

  // Reservations: staff with the permission, and drivers for their own (docs/permissions.md, "Drivers").
  'POST /api/v1/reservations': needsOrDriver('reservations.write'),
  'GET /api/v1/reservations': needsOrDriver('reservations.read'),
  'GET /api/v1/reservations/{reservation_id}': needsOrDriver('reservations.read'),
  'DELETE /api/v1/reservations/{reservation_id}': needsOrDriver('reservations.write'),

  // Tariffs.
  'POST /api/v1/tariffs': needs('tariffs.write'),
  'GET /api/v1/tariffs': needs('tariffs.read'),
  'GET /api/v1/tariffs/{tariff_id}': needs('tariffs.read'),
  'PUT /api/v1/tariffs/{tariff_id}': needs('tariffs.write'),
  'DELETE /api/v1/tariffs/{tariff_id}': needs('tariffs.write'),
  'PUT /api/v1/charge-points/{charge_point_id}/tariff': needs('tariffs.write'),
  'PUT /api/v1/projects/{project_id}/tariff': needs('tariffs.write'),

  // Drivers (operator side) and disputes.
  'POST /api/v1/drivers': needs('drivers.write'),
  'GET /api/v1/drivers': needs('drivers.read'),
  'GET /api/v1/drivers/{driver_id}': needs('drivers.read'),
  'PATCH /api/v1/drivers/{driver_id}': needs('drivers.write'),
  'POST /api/v1/drivers/{driver_id}/resend-invitation': needs('drivers.write'),
  'GET /api/v1/disputes': needs('disputes.read'),
  'POST /api/v1/disputes/{dispute_id}/resolve': needs('disputes.manage'),

  // The driver portal (docs/portal.md).
  'GET /api/v1/portal/sessions': DRIVER,
  'GET /api/v1/portal/sessions/{session_id}/cost-breakdown': DRIVER,
  'GET /api/v1/portal/sessions/{session_id}/receipt': DRIVER,
  'POST /api/v1/portal/sessions/{session_id}/dispute': DRIVER,
  'GET /api/v1/portal/disputes': DRIVER,
};
