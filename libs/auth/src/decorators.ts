import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiSecurity,
  ApiUnauthorizedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
} from '@nestjs/swagger';
import type { UserKind } from '@csms/domain';
import type { Permission } from './permissions';
import { AuthContext } from './principal';

export const AUTH_METADATA = 'csms:auth';

export interface AuthRequirement {
  public: boolean;
  /** Public routes that also accept (and then validate) credentials when they are sent. */
  optionalAuth?: boolean;
  permission?: Permission;
  /** Whether the route acts on an organization (path `org_id`, `X-Organization-Id`, or the only membership). */
  organization: boolean;
  /** Which kinds of caller may use the route. */
  principals: Array<'user' | 'api_key'>;
  /** Which kinds of user may use the route (any when absent; org-scoped routes: staff only). */
  userKinds?: UserKind[];
  /** Driver routes (the portal): only a signed-in driver, acting on the organization of their account. */
  driver?: boolean;
  /** Also open to drivers (besides callers with the permission): a driver acts as in `driver` routes. */
  alsoDrivers?: boolean;
}

export interface AuthenticatedOptions {
  permission?: Permission;
  organization?: boolean;
  principals?: Array<'user' | 'api_key'>;
  userKinds?: UserKind[];
  /** Only drivers (users of kind `driver`, who hold no role) may call the route; see docs/permissions.md. */
  drivers?: boolean;
  /**
   * Staff with the permission, and also drivers, who act on their own resources only (the service
   * scopes them by `AuthContext.driverId`); see docs/permissions.md.
   */
  allowDrivers?: boolean;
}

/**
 * The one decorator for protected routes: records what the guard must check and documents the
 * security schemes and error answers in OpenAPI.
 */
export function Authenticated(options: AuthenticatedOptions = {}): MethodDecorator & ClassDecorator {
  const requirement: AuthRequirement = {
    public: false,
    permission: options.permission,
    organization: options.organization ?? options.permission !== undefined,
    principals: options.drivers ? ['user'] : (options.principals ?? ['user', 'api_key']),
    userKinds: options.userKinds,
    driver: options.drivers ?? false,
    alsoDrivers: options.allowDrivers ?? false,
  };
  const decorators: Array<ClassDecorator | MethodDecorator> = [
    SetMetadata(AUTH_METADATA, requirement),
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked credentials' }),
    ApiForbiddenResponse({
      description: options.permission
        ? `Requires permission \`${options.permission}\``
        : options.drivers
          ? 'Only drivers may call this endpoint'
          : 'Not allowed for this caller',
    }),
  ];
  if (requirement.driver) {
    decorators.push(ApiNotFoundResponse({ description: "Not one of the driver's own resources" }));
  }
  if (requirement.organization) {
    decorators.push(
      ApiHeader({
        name: 'X-Organization-Id',
        required: false,
        description: 'Organization to act on, for users with several memberships (API keys act on their own)',
      }),
      ApiBadRequestResponse({ description: 'Invalid input, or `organization_required`' }),
      ApiNotFoundResponse({ description: "Not found in the caller's organization" }),
    );
  }
  return applyDecorators(...decorators);
}

/** Marks a route as reachable without credentials (the explicit allowlist). */
export function Public(options: { optionalAuth?: boolean } = {}): MethodDecorator & ClassDecorator {
  const requirement: AuthRequirement = {
    public: true,
    optionalAuth: options.optionalAuth ?? false,
    organization: false,
    principals: ['user', 'api_key'],
  };
  const decorators: Array<ClassDecorator | MethodDecorator> = [SetMetadata(AUTH_METADATA, requirement)];
  if (options.optionalAuth) decorators.push(ApiBearerAuth('bearer'));
  return applyDecorators(...decorators);
}

/** The caller's AuthContext (undefined on a public route called without credentials). */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest().auth;
});
