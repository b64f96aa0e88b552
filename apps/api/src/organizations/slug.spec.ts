import { SLUG_PATTERN, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Acme Fleet Services', 'acme-fleet-services'],
    ['  Ünïcödé  Énergie GmbH ', 'unicode-energie-gmbh'],
    ['!!!', 'org'],
    ['a'.repeat(100), 'a'.repeat(48)],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(SLUG_PATTERN.test(slugify(name))).toBe(true);
  });
});
