import { isId, newId, pooledRandom } from './ids';

describe('ids', () => {
  it('draws uniform floats in [0, 1) across pool refills', () => {
    const next = pooledRandom();
    const values = Array.from({ length: 5000 }, next); // 20 KB: several 4 KiB pools
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(new Set(values).size).toBeGreaterThan(4990);
  });

  it('makes distinct, well-formed, time-ordered ids', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('sess'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => isId(id, 'sess'))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});
