import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The permission matrix as docs/permissions.md states it, parsed from the document itself: the
 * access-control suite checks the running api against the contract, not against the code's own tables.
 */
export const ROLES = ['owner', 'admin', 'operator', 'member', 'billing', 'viewer'] as const;
export type DocRole = (typeof ROLES)[number];

export interface PermissionMatrix {
  /** Permission → the roles the table grants it to. */
  roles: Map<string, Set<DocRole>>;
  /** Scope → the permissions it grants. */
  scopes: Map<string, Set<string>>;
  /** The whole document, to check that each public route is named in it. */
  text: string;
}

const tableRows = (text: string, heading: string): string[][] => {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/permissions.md has no "## ${heading}" section`);
  const next = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, next < 0 ? undefined : next);
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
};

const unquote = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

export function readPermissionMatrix(
  path = join(__dirname, '..', '..', 'docs', 'permissions.md'),
): PermissionMatrix {
  const text = readFileSync(path, 'utf8');
  const roles = new Map<string, Set<DocRole>>();
  for (const cells of tableRows(text, 'Roles')) {
    const [permission] = unquote(cells[0]);
    const granted = new Set<DocRole>();
    ROLES.forEach((role, i) => {
      const mark = cells[i + 1];
      if (mark === '✓') granted.add(role);
      else if (mark !== '·')
        throw new Error(`docs/permissions.md: unreadable mark "${mark}" for ${permission}`);
    });
    roles.set(permission, granted);
  }
  const scopes = new Map<string, Set<string>>();
  for (const cells of tableRows(text, 'API-key scopes')) {
    const [scope] = unquote(cells[0]);
    scopes.set(scope, new Set(unquote(cells[1])));
  }
  if (roles.size === 0 || scopes.size === 0) throw new Error('docs/permissions.md: tables not found');
  return { roles, scopes, text };
}

/** The scopes whose table row grants `permission`. */
export function scopesGranting(matrix: PermissionMatrix, permission: string): string[] {
  return [...matrix.scopes].filter(([, perms]) => perms.has(permission)).map(([scope]) => scope);
}
