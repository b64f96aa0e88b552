import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '@csms/common';
import type { UserKind } from '@csms/domain';
import { AuthGuard } from './auth.guard';
import type { AuthenticationService } from './authentication.service';
import { AuthRequirement } from './decorators';

function guardFor(requirement: AuthRequirement, userKind: UserKind, memberships: number) {
  const reflector = { getAllAndOverride: () => requirement } as unknown as Reflector;
  const authentication = {
    authenticate: async () => ({ kind: 'user', userId: 'usr_1', email: 'a@b.c', userKind, tokenId: 'tok_1' }),
    membershipsOf: async () =>
      Array.from({ length: memberships }, () => ({ organizationId: 'org_1', role: 'owner' })),
    roleIn: async () => 'owner',
  } as unknown as AuthenticationService;
  const guard = new AuthGuard(reflector, authentication);
  const req = { headers: { authorization: 'Bearer csms_ut_x' }, params: {}, method: 'GET', path: '/' };
  const context = {
    getType: () => 'http',
    getHandler: () => undefined,
    getClass: () => undefined,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return () => guard.canActivate(context);
}

const statusOf = async (run: () => Promise<boolean>) =>
  run().then(
    () => 200,
    (err: ProblemException) => err.getStatus(),
  );

describe('AuthGuard user kinds', () => {
  const siteOwnerRoute: AuthRequirement = {
    public: false,
    organization: false,
    principals: ['user'],
    userKinds: ['site_owner'],
  };
  const orgRoute: AuthRequirement = {
    public: false,
    organization: true,
    permission: 'projects.read',
    principals: ['user', 'api_key'],
  };

  it('lets a site owner onto a site-owner route and refuses staff there', async () => {
    expect(await statusOf(guardFor(siteOwnerRoute, 'site_owner', 0))).toBe(200);
    expect(await statusOf(guardFor(siteOwnerRoute, 'staff', 1))).toBe(403);
  });

  it('keeps a site owner off organization routes even with a membership', async () => {
    expect(await statusOf(guardFor(orgRoute, 'site_owner', 1))).toBe(403);
    expect(await statusOf(guardFor(orgRoute, 'staff', 1))).toBe(200);
  });
});
