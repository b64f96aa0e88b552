import { DataSource } from 'typeorm';
import { newId } from '@csms/common';
import { Membership, Role } from '@csms/domain';
import { IdentityService } from '../../apps/api/src/identity/identity.service';
import type { RunningApp } from './harness';
import { uniqueEmail } from './session';

/**
 * Seeds a user holding `role` in an organization, straight through the app's own services (the
 * invitation flow has its own tests), and returns a token for them.
 */
export async function seedMember(
  api: RunningApp,
  orgId: string,
  role: Role,
): Promise<{ token: string; userId: string; email: string }> {
  const db = api.app.get(DataSource);
  const identity = api.app.get(IdentityService);
  return db.transaction(async (manager) => {
    const email = uniqueEmail(role);
    const user = await identity.createUser(manager, {
      email,
      password: 'correct horse battery staple',
      firstName: 'Test',
      lastName: role,
    });
    await manager.insert(Membership, { id: newId('mem'), organizationId: orgId, userId: user.id, role });
    const { token } = await identity.issueToken(manager, user);
    return { token, userId: user.id, email };
  });
}
