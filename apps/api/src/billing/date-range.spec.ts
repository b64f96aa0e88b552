import { dateRange } from './date-range';

describe('portal and session date ranges', () => {
  it("reads dates as whole days in the organization's timezone, `to` inclusive", () => {
    const r = dateRange('2026-01-01', '2026-01-31', 'Europe/Berlin');
    expect(r.from?.toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(r.before?.toISOString()).toBe('2026-01-31T23:00:00.000Z');
    const summer = dateRange('2026-07-01', '2026-07-01', 'America/New_York');
    expect(summer.from?.toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(summer.before?.toISOString()).toBe('2026-07-02T04:00:00.000Z');
  });

  it('takes date-times as instants and refuses from after to', () => {
    const r = dateRange('2026-01-01T10:00:00Z', undefined, 'UTC');
    expect(r).toEqual({ from: new Date('2026-01-01T10:00:00Z'), before: null });
    expect(() => dateRange('2026-02-01', '2026-01-01', 'UTC')).toThrow();
  });
});
