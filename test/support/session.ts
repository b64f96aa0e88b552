import { randomBytes } from 'node:crypto';
import type { RunningApp } from './harness';

export interface SignedUp {
  token: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}.${randomBytes(5).toString('hex')}@example.com`;
}

/** Signs up a new user with their organization; returns the owner's token and ids. */
export async function signUp(api: RunningApp, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const body = {
    email: uniqueEmail('owner'),
    password: 'correct horse battery staple',
    first_name: 'Olivia',
    last_name: 'Owner',
    organization_name: `Org ${randomBytes(3).toString('hex')}`,
    country: 'GB',
    ...overrides,
  };
  const res = await api.http().post('/api/v1/auth/signup').send(body);
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.token,
    userId: res.body.user.user_id,
    orgId: res.body.organization.id,
    email: body.email as string,
    password: body.password as string,
  };
}

export async function createApiKey(
  api: RunningApp,
  ownerToken: string,
  scopes: string[],
): Promise<{ id: string; key: string }> {
  const res = await api
    .http()
    .post('/api/v1/org/api-keys')
    .set('Authorization', `Bearer ${ownerToken}`)
    .send({ name: 'test key', scopes });
  if (res.status !== 201)
    throw new Error(`api key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, key: res.body.key };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
