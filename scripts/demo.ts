import { randomBytes } from 'node:crypto';

/** What a first start on an empty data directory prints: how to create the first organization. */
export function signUpHint(apiPort: number): string[] {
  return [
    'The database is empty. Sign up to create your user and organization (you become its owner):',
    '',
    `  curl -s -X POST localhost:${apiPort}/api/v1/auth/signup -H 'Content-Type: application/json' -d '{`,
    '    "email": "you@example.com", "password": "at least twelve characters",',
    '    "first_name": "Ada", "last_name": "Lovelace", "organization_name": "My Charging Co", "country": "GB"}\'',
    '',
    'or restart with `npm start -- --demo` on an empty data directory for a ready-made demo organization.',
    '',
  ];
}

async function call(
  apiUrl: string,
  path: string,
  body: object,
  token?: string,
): Promise<Record<string, any>> {
  const res = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`demo: POST ${path} answered ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

export interface Demo {
  organization: { id: string; name: string };
  owner: { email: string; password: string; token: string };
  apiKey: string;
  chargePoint: { id: string; password: string };
}

/**
 * `npm start -- --demo`: a demo organization with its owner, an API key and a charge point, made
 * through the public API like any client would (secrets are stored only hashed, so they are printed once).
 */
export async function createDemo(apiUrl: string): Promise<Demo> {
  const ownerPassword = `demo-${randomBytes(9).toString('base64url')}`;
  const chargerPassword = randomBytes(12).toString('hex');
  const email = 'owner@demo.example.com';
  const signup = await call(apiUrl, '/api/v1/auth/signup', {
    email,
    password: ownerPassword,
    first_name: 'Demo',
    last_name: 'Owner',
    organization_name: 'Demo Charging',
    country: 'GB',
  });
  const token = signup.token as string;
  const key = await call(
    apiUrl,
    '/api/v1/org/api-keys',
    { name: 'Demo key', scopes: ['read:organizations', 'read:charge_points', 'write:charge_points'] },
    token,
  );
  const chargePoint = await call(
    apiUrl,
    '/api/v1/charge-points',
    { id: 'DEMO-CP-001', name: 'Demo charger', password: chargerPassword },
    token,
  );
  return {
    organization: { id: signup.organization.id, name: signup.organization.name },
    owner: { email, password: ownerPassword, token },
    apiKey: key.key,
    chargePoint: { id: chargePoint.id, password: chargerPassword },
  };
}

export function describeDemo(demo: Demo, apiPort: number, ocppPort: number): string[] {
  return [
    'Demo data created (shown once; passwords and keys are stored only as hashes):',
    `  organization  ${demo.organization.name} (${demo.organization.id})`,
    `  owner         ${demo.owner.email} / ${demo.owner.password}`,
    `  user token    ${demo.owner.token}`,
    `  API key       ${demo.apiKey}  (X-API-Key)`,
    `  charge point  ${demo.chargePoint.id}, password ${demo.chargePoint.password}`,
    `                connect it to ws://localhost:${ocppPort}/ocpp/${demo.chargePoint.id} (OCPP 1.6 or 2.0.1, HTTP Basic)`,
    '',
    `Try: curl -s localhost:${apiPort}/api/v1/charge-points -H "X-API-Key: ${demo.apiKey}"`,
    '',
  ];
}
