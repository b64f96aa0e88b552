import type { Role } from '@csms/domain';
import { PERMISSIONS, Permission } from './permissions';

const ALL: readonly Permission[] = PERMISSIONS;

const VIEW: Permission[] = [
  'organizations.read',
  'settings.read',
  'members.read',
  'charge_points.read',
  'id_tags.read',
  'sessions.read',
  'reservations.read',
  'tariffs.read',
  'projects.read',
];

/**
 * The role table, following the operator guide: owner everything; admin everything but billing
 * settings, ownership transfer and API keys; operator runs devices; member views and commands;
 * billing reads billing data and session history; viewer reads. docs/permissions.md shows it.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ALL,
  admin: ALL.filter(
    (p) =>
      !['settings.billing.update', 'members.transfer_ownership', 'api_keys.read', 'api_keys.manage'].includes(
        p,
      ),
  ),
  operator: [
    ...VIEW,
    'charge_points.write',
    'charge_points.command',
    'id_tags.write',
    'reservations.write',
    'drivers.read',
    'site_owners.read',
  ],
  member: [...VIEW, 'charge_points.command', 'reservations.write'],
  billing: [
    'organizations.read',
    'settings.read',
    'members.read',
    'sessions.read',
    'tariffs.read',
    'billing.read',
    'disputes.read',
    'drivers.read',
    'projects.read',
  ],
  viewer: VIEW,
};

/** API-key scopes: `read:`/`write:` × resource family. A write scope does not imply the read scope. */
export const SCOPE_PERMISSIONS: Record<string, readonly Permission[]> = {
  'read:organizations': ['organizations.read', 'settings.read'],
  'write:organizations': ['organizations.update', 'settings.update'],
  'read:members': ['members.read', 'invitations.read'],
  'write:members': ['members.manage', 'invitations.manage'],
  'read:api_keys': ['api_keys.read'],
  'write:api_keys': ['api_keys.manage'],
  'read:audit_log': ['audit_log.read'],
  'read:charge_points': ['charge_points.read'],
  'write:charge_points': ['charge_points.write', 'charge_points.command'],
  'read:id_tags': ['id_tags.read'],
  'write:id_tags': ['id_tags.write'],
  'read:sessions': ['sessions.read'],
  'read:reservations': ['reservations.read'],
  'write:reservations': ['reservations.write'],
  'read:tariffs': ['tariffs.read'],
  'write:tariffs': ['tariffs.write'],
  'read:billing': ['billing.read', 'disputes.read'],
  'write:billing': ['settings.billing.update', 'disputes.manage'],
  'read:drivers': ['drivers.read'],
  'write:drivers': ['drivers.write'],
  'read:projects': ['projects.read'],
  'write:projects': ['projects.write'],
  'read:site_owners': ['site_owners.read'],
  'write:site_owners': ['site_owners.manage'],
};

export const SCOPES = Object.keys(SCOPE_PERMISSIONS);

export function isScope(value: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCOPE_PERMISSIONS, value);
}

export function permissionsForRole(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role] ?? []);
}

export function permissionsForScopes(scopes: readonly string[]): ReadonlySet<Permission> {
  return new Set(scopes.flatMap((s) => SCOPE_PERMISSIONS[s] ?? []));
}
