import { ROLES } from '@csms/domain';
import { fromManagementRole, toManagementRole, toPageQuery } from './management.mapping';

describe('Management API mapping', () => {
  it('maps every CSMS role onto a Management API role, owner and billing included', () => {
    expect(Object.fromEntries(ROLES.map((r) => [r, toManagementRole(r)]))).toEqual({
      owner: 'ADMIN',
      admin: 'ADMIN',
      operator: 'OPERATOR',
      member: 'USER',
      billing: 'VIEWER',
      viewer: 'VIEWER',
    });
  });

  it('maps Management API roles back without ever granting owner', () => {
    expect(['ADMIN', 'USER', 'OPERATOR', 'VIEWER'].map((r) => fromManagementRole(r as never))).toEqual([
      'admin',
      'member',
      'operator',
      'viewer',
    ]);
  });

  it('turns page/perPage into limit/offset with the documented defaults', () => {
    expect(toPageQuery({})).toEqual({ page: 1, perPage: 20, limit: 20, offset: 0 });
    expect(toPageQuery({ page: 3, perPage: 50 })).toEqual({ page: 3, perPage: 50, limit: 50, offset: 100 });
  });
});
