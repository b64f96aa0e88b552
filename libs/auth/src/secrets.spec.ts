import {
  TOKEN_PREFIX,
  generateToken,
  hashChargerPassword,
  hashPassword,
  hashToken,
  verifyChargerPassword,
  verifyPassword,
} from './secrets';

describe('secrets', () => {
  it('generates distinct prefixed tokens and hashes them with SHA-256', () => {
    const a = generateToken(TOKEN_PREFIX.apiKey);
    const b = generateToken(TOKEN_PREFIX.apiKey);
    expect(a).toMatch(/^csms_sk_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).toBe(hashToken(a));
  });

  it('hashes passwords with scrypt and a salt, and verifies them', async () => {
    const h1 = await hashPassword('correct horse battery staple');
    const h2 = await hashPassword('correct horse battery staple');
    expect(h1).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse battery staple', h1)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h1)).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('hashes charger passwords with a salted fast hash', () => {
    const stored = hashChargerPassword('0123456789abcdef0123');
    expect(stored).not.toContain('0123456789abcdef0123');
    expect(verifyChargerPassword('0123456789abcdef0123', stored)).toBe(true);
    expect(verifyChargerPassword('0123456789abcdef0124', stored)).toBe(false);
    expect(hashChargerPassword('same-password-16ch')).not.toBe(hashChargerPassword('same-password-16ch'));
  });
});
