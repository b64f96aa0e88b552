import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, Role } from '@csms/domain';
import { PERMISSIONS } from './permissions';
import { SCOPES, permissionsForRole, permissionsForScopes } from './rbac';

/** The hand-written matrix in docs/permissions.md is the expectation; the code's tables must match it. */
function readMatrix() {
  const doc = readFileSync(join(__dirname, '../../../docs/permissions.md'), 'utf8');
  const roles = new Map<string, Set<string>>();
  const scopes = new Map<string, Set<string>>();
  let header: string[] = [];
  for (const line of doc.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0] === 'permission') header = cells.slice(1);
    else if (cells[0] === 'scope') header = [];
    else if (/^`[a-z_.]+`$/.test(cells[0]) && header.length) {
      const permission = cells[0].replace(/`/g, '');
      header.forEach((role, i) => {
        if (!roles.has(role)) roles.set(role, new Set());
        if (cells[i + 1] === '✓') roles.get(role)!.add(permission);
      });
    } else if (/^`(read|write):[a-z_]+`$/.test(cells[0])) {
      scopes.set(
        cells[0].replace(/`/g, ''),
        new Set((cells[1].match(/`[^`]+`/g) ?? []).map((p) => p.replace(/`/g, ''))),
      );
    }
  }
  return { roles, scopes };
}

describe('RBAC tables against docs/permissions.md', () => {
  const { roles, scopes } = readMatrix();

  it('documents every role and every permission', () => {
    expect([...roles.keys()].sort()).toEqual([...ROLES].sort());
    const documented = new Set(
      [
        ...readFileSync(join(__dirname, '../../../docs/permissions.md'), 'utf8').matchAll(
          /^\|\s*`([a-z_.]+)`\s*\|/gm,
        ),
      ].map((m) => m[1]),
    );
    expect([...PERMISSIONS].filter((p) => !documented.has(p))).toEqual([]);
  });

  it.each([...ROLES])('grants role %s exactly the documented permissions', (role) => {
    expect([...permissionsForRole(role as Role)].sort()).toEqual([...(roles.get(role) ?? [])].sort());
  });

  it('documents every scope and grants exactly what the document says', () => {
    expect([...scopes.keys()].sort()).toEqual([...SCOPES].sort());
    for (const [scope, expected] of scopes) {
      expect({ scope, grants: [...permissionsForScopes([scope])].sort() }).toEqual({
        scope,
        grants: [...expected].sort(),
      });
    }
  });

  it('keeps the owner-only powers with the owner', () => {
    for (const role of ROLES.filter((r) => r !== 'owner')) {
      for (const p of ['settings.billing.update', 'members.transfer_ownership', 'api_keys.manage'] as const) {
        expect({ role, p, granted: permissionsForRole(role).has(p) }).toEqual({ role, p, granted: false });
      }
    }
  });

  it('gives billing and viewer no charger controls', () => {
    for (const role of ['billing', 'viewer'] as const) {
      expect(permissionsForRole(role).has('charge_points.command')).toBe(false);
      expect(permissionsForRole(role).has('charge_points.write')).toBe(false);
    }
  });

  it('grants nothing for unknown scopes', () => {
    expect(permissionsForScopes(['admin:everything']).size).toBe(0);
  });
});
