import type { Role, UserKind } from '@csms/domain';
import type { Permission } from './permissions';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  userKind: UserKind;
  tokenId: string;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  organizationId: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

/** Who did something, for audit entries. */
export interface Actor {
  type: 'user' | 'api_key';
  id: string;
}

/** What the guard attaches to the request: the caller, and the organization it acts on with what rights. */
export class AuthContext {
  constructor(
    readonly principal: Principal,
    readonly organizationId: string | null,
    readonly role: Role | null,
    readonly permissions: ReadonlySet<Permission>,
    /** Set on driver routes: the calling driver. */
    readonly driverId: string | null = null,
  ) {}

  can(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  get actor(): Actor {
    return this.principal.kind === 'user'
      ? { type: 'user', id: this.principal.userId }
      : { type: 'api_key', id: this.principal.keyId };
  }

  get userId(): string | null {
    return this.principal.kind === 'user' ? this.principal.userId : null;
  }

  /** The organization of an org-scoped route; the guard guarantees it there. */
  get orgId(): string {
    if (!this.organizationId) throw new Error('No organization context on this route');
    return this.organizationId;
  }
}
