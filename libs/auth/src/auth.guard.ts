import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Problems, isId } from '@csms/common';
import type { UserKind } from '@csms/domain';
import { AUTH_METADATA, AuthRequirement } from './decorators';
import { AuthenticationService } from './authentication.service';
import { AuthContext, Principal } from './principal';
import { permissionsForRole, permissionsForScopes } from './rbac';

export function extractToken(req: Pick<Request, 'headers'>): string | null {
  const header = req.headers['authorization'];
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim()) return apiKey.trim();
  return null;
}

/**
 * Organization-scoped routes act through a membership role: site owners (external partners) never
 * reach them, even if a membership were ever created for them by mistake.
 */
const ORGANIZATION_USER_KINDS: UserKind[] = ['staff'];

/**
 * The one guard: authenticates the caller, resolves the organization the request acts on, and checks
 * the permission the route declares against the role table or the key's scopes. Fails closed: a route
 * without @Authenticated or @Public is refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) {
      this.logger.error(`Route ${req.method} ${req.path} declares neither @Authenticated nor @Public`);
      throw Problems.forbidden('This route is not available');
    }

    const token = extractToken(req);
    if (requirement.public) {
      if (requirement.optionalAuth && token) {
        const principal = await this.authentication.authenticate(token);
        req.auth = new AuthContext(principal, null, null, new Set());
      }
      return true;
    }
    if (!token)
      throw Problems.unauthorized('Authentication required: send Authorization: Bearer <token> or X-API-Key');
    const principal = await this.authentication.authenticate(token);

    if (!requirement.principals.includes(principal.kind)) {
      throw Problems.forbidden(
        principal.kind === 'api_key'
          ? 'API keys cannot call this endpoint; sign in as a user'
          : 'Only API keys may call this endpoint',
        principal.kind === 'api_key' ? 'api_key_not_allowed' : 'forbidden',
      );
    }
    const isDriver = principal.kind === 'user' && principal.userKind === 'driver';
    if (requirement.driver || (requirement.alsoDrivers && isDriver)) {
      req.auth = await this.resolveDriver(principal);
      return true;
    }
    if (principal.kind === 'user') {
      const kinds = requirement.userKinds ?? (requirement.organization ? ORGANIZATION_USER_KINDS : undefined);
      if (kinds && !kinds.includes(principal.userKind)) {
        throw Problems.forbidden('This endpoint is not available to your kind of account', 'forbidden');
      }
    }
    if (!requirement.organization) {
      req.auth = new AuthContext(
        principal,
        principal.kind === 'api_key' ? principal.organizationId : null,
        null,
        new Set(),
      );
      return true;
    }

    req.auth = await this.resolveOrganization(req, principal);
    if (requirement.permission && !req.auth.can(requirement.permission)) {
      throw Problems.forbidden(`Requires permission ${requirement.permission}`);
    }
    return true;
  }

  /** A driver acts on the organization whose network their account belongs to, with no role. */
  private async resolveDriver(principal: Principal): Promise<AuthContext> {
    if (principal.kind !== 'user' || principal.userKind !== 'driver') {
      throw Problems.forbidden('Only drivers may call this endpoint', 'driver_only');
    }
    const driver = await this.authentication.driverOf(principal.userId);
    if (!driver || driver.status !== 'active') {
      throw Problems.forbidden('This driver account is not active', 'driver_inactive');
    }
    return new AuthContext(principal, driver.organizationId, null, new Set(), driver.id);
  }

  private async resolveOrganization(req: Request, principal: Principal): Promise<AuthContext> {
    const pathParam = req.params?.['org_id'];
    const fromPath = typeof pathParam === 'string' ? pathParam : undefined;
    const header = req.headers['x-organization-id'];
    const fromHeader = typeof header === 'string' && header.trim() ? header.trim() : undefined;
    const requested = fromPath ?? fromHeader;

    if (principal.kind === 'api_key') {
      if (requested && requested !== principal.organizationId)
        throw Problems.notFound('Organization', requested);
      return new AuthContext(
        principal,
        principal.organizationId,
        null,
        permissionsForScopes(principal.scopes),
      );
    }

    if (requested) {
      if (!isId(requested, 'org')) throw Problems.notFound('Organization', requested);
      const role = await this.authentication.roleIn(principal.userId, requested);
      if (!role) throw Problems.notFound('Organization', requested);
      return new AuthContext(principal, requested, role, permissionsForRole(role));
    }
    const memberships = await this.authentication.membershipsOf(principal.userId);
    if (memberships.length === 0) {
      throw Problems.forbidden('You are not a member of any organization', 'no_organization');
    }
    if (memberships.length > 1) {
      throw Problems.badRequest(
        'organization_required',
        'You belong to several organizations: name one with the X-Organization-Id header',
      );
    }
    const [only] = memberships;
    return new AuthContext(principal, only.organizationId, only.role, permissionsForRole(only.role));
  }
}
