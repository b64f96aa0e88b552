import { TariffSnapshot, formatMinor, priceSession, roundHalfUp, toMicros } from './pricing';

const tariff = (overrides: Partial<TariffSnapshot> = {}): TariffSnapshot => ({
  tariff_id: 'trf_test',
  name: 'Test',
  currency: 'EUR',
  timezone: 'UTC',
  price_per_kwh: '0',
  price_per_hour: '0',
  session_fee: '0',
  idle_fee_per_minute: '0',
  idle_grace_minutes: 0,
  min_price: null,
  max_price: null,
  tax_rate_percent: '0',
  windows: [],
  ...overrides,
});
const at = (iso: string) => new Date(iso);
const reading = (iso: string, wh: number) => ({ at: at(iso), wh });
const amounts = (r: ReturnType<typeof priceSession>) =>
  Object.fromEntries(r.lines.map((l) => [`${l.type}:${l.description}`, l.amount_minor]));

describe('pricing engine', () => {
  it('prices energy only, rounding the line half up to cents', () => {
    // 12.345 kWh × 0.30 = 3.7035 → 370.35 cents → 370
    const r = priceSession({
      tariff: tariff({ price_per_kwh: '0.30' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 1000), reading('2026-01-10T11:00:00Z', 13345)],
    });
    expect(r.lines).toEqual([
      {
        type: 'energy',
        description: 'Energy',
        quantity: '12.345',
        unit: 'kWh',
        unit_price: '0.30',
        amount_minor: 370,
      },
    ]);
    expect(r.total_minor).toBe(370);
    expect(r.energy_wh).toBe(12345);
  });

  it('prices charging time per hour and adds the session fee', () => {
    // 1 h 30 min × 2.00 = 3.00; fee 0.50
    const r = priceSession({
      tariff: tariff({ price_per_hour: '2.00', session_fee: '0.50' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:30:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 0), reading('2026-01-10T11:30:00Z', 5000)],
    });
    expect(amounts(r)).toEqual({ 'time:Charging time': 300, 'session_fee:Session fee': 50 });
    expect(r.lines[0].quantity).toBe('1.5000');
    expect(r.total_minor).toBe(350);
  });

  it('charges idle minutes after the grace period from when the register stopped rising', () => {
    // charging 10:00–11:00 (10 kWh × 0.25 = 2.50); idle 11:00–12:00 = 60 min, grace 15 → 45 × 0.10 = 4.50
    const r = priceSession({
      tariff: tariff({ price_per_kwh: '0.25', idle_fee_per_minute: '0.10', idle_grace_minutes: 15 }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T12:00:00Z'),
      readings: [
        reading('2026-01-10T10:00:00Z', 0),
        reading('2026-01-10T11:00:00Z', 10000),
        reading('2026-01-10T11:40:00Z', 10000),
        reading('2026-01-10T12:00:00Z', 10000),
      ],
    });
    expect(amounts(r)).toEqual({ 'energy:Energy': 250, 'idle_fee:Idle fee after 15 min grace': 450 });
    expect(r.idle_seconds).toBe(3600);
    expect(r.charging_seconds).toBe(3600);
  });

  it('splits energy at a window that crosses midnight in the organization timezone, interpolating', () => {
    // Europe/Berlin is UTC+1 in January. Window 22:00–06:00 local = 21:00Z–05:00Z.
    // Session 22:30Z–05:30Z. Register: 0 @22:30Z, 3000 @23:00Z, 35000 @05:30Z.
    // At 05:00Z: 3000 + 32000 × 360/390 = 32538.462 Wh (to the mWh).
    // Window: 32.538462 kWh × 0.20 = 6.5076924 → 651; base: 2.461538 kWh × 0.40 = 0.9846152 → 98.
    const r = priceSession({
      tariff: tariff({
        timezone: 'Europe/Berlin',
        price_per_kwh: '0.40',
        windows: [{ name: 'Night', start: '22:00', end: '06:00', price_per_kwh: '0.20' }],
      }),
      startedAt: at('2026-01-15T22:30:00Z'),
      endedAt: at('2026-01-16T05:30:00Z'),
      readings: [
        reading('2026-01-15T22:30:00Z', 0),
        reading('2026-01-15T23:00:00Z', 3000),
        reading('2026-01-16T05:30:00Z', 35000),
      ],
    });
    expect(r.lines.map((l) => [l.description, l.quantity, l.amount_minor])).toEqual([
      ['Energy (Night)', '32.538', 651],
      ['Energy', '2.462', 98],
    ]);
    expect(r.total_minor).toBe(749);
  });

  it('applies a weekday window only to nights that start on its days', () => {
    // 2026-01-15 is a Thursday: a Friday-night window does not cover Thursday night, not even after midnight.
    const r = priceSession({
      tariff: tariff({
        timezone: 'Europe/Berlin',
        price_per_kwh: '0.40',
        windows: [{ days: [5], start: '22:00', end: '06:00', price_per_kwh: '0.20' }],
      }),
      startedAt: at('2026-01-15T22:30:00Z'),
      endedAt: at('2026-01-16T05:30:00Z'),
      readings: [reading('2026-01-15T22:30:00Z', 0), reading('2026-01-16T05:30:00Z', 35000)],
    });
    expect(amounts(r)).toEqual({ 'energy:Energy': 1400 });
  });

  it('uses the window in local time across a daylight-saving change', () => {
    // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT. Window 00:00–06:00 local = 05:00Z–10:00Z that night.
    const r = priceSession({
      tariff: tariff({
        timezone: 'America/New_York',
        price_per_kwh: '1.00',
        windows: [{ start: '00:00', end: '06:00', price_per_kwh: '0.50' }],
      }),
      startedAt: at('2026-03-08T09:00:00Z'),
      endedAt: at('2026-03-08T11:00:00Z'),
      readings: [reading('2026-03-08T09:00:00Z', 0), reading('2026-03-08T11:00:00Z', 2000)],
    });
    // 09:00Z–10:00Z in the window (1 kWh × 0.50), 10:00Z–11:00Z base (1 kWh × 1.00)
    expect(r.total_minor).toBe(150);
  });

  it('adds tax on the subtotal, rounded half up', () => {
    // 3.70 + 12.5 % = 0.4625 → 46
    const r = priceSession({
      tariff: tariff({ price_per_kwh: '0.30', tax_rate_percent: '12.5' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 0), reading('2026-01-10T11:00:00Z', 12345)],
    });
    expect(r.subtotal_minor).toBe(370);
    expect(r.tax_minor).toBe(46);
    expect(r.total_minor).toBe(416);
    expect(r.lines.at(-1)).toMatchObject({ type: 'tax', quantity: '12.5', amount_minor: 46 });
  });

  it('raises to the minimum and caps at the maximum before tax', () => {
    const base = {
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 0), reading('2026-01-10T11:00:00Z', 10000)],
    };
    const low = priceSession({
      ...base,
      tariff: tariff({ price_per_kwh: '0.30', min_price: '5', tax_rate_percent: '20' }),
    });
    expect(amounts(low)).toMatchObject({ 'minimum_adjustment:Minimum session price': 200 });
    expect([low.subtotal_minor, low.tax_minor, low.total_minor]).toEqual([500, 100, 600]);
    const high = priceSession({ ...base, tariff: tariff({ price_per_kwh: '0.30', max_price: '2.50' }) });
    expect(amounts(high)).toMatchObject({ 'maximum_adjustment:Maximum session price': -50 });
    expect(high.total_minor).toBe(250);
  });

  it('rounds exactly where floating point would not (0.5 cent goes up)', () => {
    // 0.5 kWh × 0.01 = 0.005 → 0.5 cent → 1; 1.005 in floats is 1.00499…
    const r = priceSession({
      tariff: tariff({ price_per_kwh: '0.01' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 0), reading('2026-01-10T11:00:00Z', 500)],
    });
    expect(r.total_minor).toBe(1);
    const fee = priceSession({
      tariff: tariff({ session_fee: '1.005' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T10:00:00Z'),
      readings: [],
    });
    expect(fee.total_minor).toBe(101);
  });

  it('uses the currency minor unit (JPY has none)', () => {
    const r = priceSession({
      tariff: tariff({ currency: 'JPY', price_per_kwh: '35.5' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [reading('2026-01-10T10:00:00Z', 0), reading('2026-01-10T11:00:00Z', 10000)],
    });
    expect(r.total_minor).toBe(355);
    expect(formatMinor(355, 'JPY')).toBe('355');
    expect(formatMinor(5, 'EUR')).toBe('0.05');
  });

  it('never bills a register that ran backwards twice', () => {
    const r = priceSession({
      tariff: tariff({ price_per_kwh: '1' }),
      startedAt: at('2026-01-10T10:00:00Z'),
      endedAt: at('2026-01-10T11:00:00Z'),
      readings: [
        reading('2026-01-10T10:00:00Z', 0),
        reading('2026-01-10T10:20:00Z', 5000),
        reading('2026-01-10T10:40:00Z', 1000),
        reading('2026-01-10T11:00:00Z', 6000),
      ],
    });
    expect(r.energy_wh).toBe(6000);
    expect(r.total_minor).toBe(600);
  });

  it('reads prices and rounds with integers only', () => {
    expect(toMicros('0.35')).toBe(350000n);
    expect(toMicros('12')).toBe(12000000n);
    expect(() => toMicros('0.1234567')).toThrow();
    expect(roundHalfUp(5n, 10n)).toBe(1n);
    expect(roundHalfUp(4n, 10n)).toBe(0n);
  });
});
