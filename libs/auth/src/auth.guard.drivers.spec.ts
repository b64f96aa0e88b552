import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '@csms/common';
import { AuthGuard } from './auth.guard';
import { AuthenticationService } from './authentication.service';
import { AUTH_METADATA, AuthRequirement } from './decorators';
import { AuthContext, Principal } from './principal';

const driverRoute: AuthRequirement = {
  public: false,
  organization: false,
  principals: ['user'],
  driver: true,
};

function run(principal: Principal, driver: { id: string; organizationId: string; status: string } | null) {
  const req: { headers: Record<string, string>; auth?: AuthContext } = {
    headers: { authorization: 'Bearer csms_ut_x' },
  };
  const reflector = { getAllAndOverride: (key: string) => (key === AUTH_METADATA ? driverRoute : undefined) };
  const authentication = {
    authenticate: async () => principal,
    driverOf: async () => driver,
  } as unknown as AuthenticationService;
  const guard = new AuthGuard(reflector as unknown as Reflector, authentication);
  const context = {
    getType: () => 'http',
    getHandler: () => undefined,
    getClass: () => undefined,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return guard.canActivate(context).then(
    () => req.auth!,
    (err: ProblemException) => err,
  );
}

const user = (userKind: 'driver' | 'staff'): Principal => ({
  kind: 'user',
  userId: 'usr_1',
  email: 'd@example.com',
  userKind,
  tokenId: 'tok_1',
});

describe('AuthGuard on driver routes', () => {
  it("admits an active driver, acting on their account's organization with no role", async () => {
    const auth = await run(user('driver'), { id: 'drv_1', organizationId: 'org_1', status: 'active' });
    expect(auth).toBeInstanceOf(AuthContext);
    expect(auth).toMatchObject({ driverId: 'drv_1', organizationId: 'org_1', role: null });
    expect((auth as AuthContext).can('sessions.read')).toBe(false);
  });

  it('refuses staff users and API keys with 403 driver_only', async () => {
    const staff = await run(user('staff'), null);
    expect(staff).toBeInstanceOf(ProblemException);
    expect((staff as ProblemException).getStatus()).toBe(403);
    expect(JSON.stringify((staff as ProblemException).getResponse())).toContain('driver_only');
    const key = await run({ kind: 'api_key', keyId: 'key_1', organizationId: 'org_1', scopes: [] }, null);
    expect((key as ProblemException).getStatus()).toBe(403);
  });

  it('refuses a disabled driver with 403 driver_inactive', async () => {
    const res = await run(user('driver'), { id: 'drv_1', organizationId: 'org_1', status: 'disabled' });
    expect((res as ProblemException).getStatus()).toBe(403);
    expect(JSON.stringify((res as ProblemException).getResponse())).toContain('driver_inactive');
  });
});
