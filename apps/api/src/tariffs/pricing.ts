/**
 * The pricing engine: pure, exact. Prices are decimal strings (major units, up to 6 decimals) read
 * into integer millionths; energy is integer milliwatt-hours; time is integer milliseconds. Every cost
 * line is one exact fraction rounded once, half up, to the currency's minor unit (docs/billing.md).
 */

/** A time-of-day window with its own prices; `start` > `end` crosses midnight. */
export interface TariffWindow {
  name?: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which the window starts; all days when absent. */
  days?: number[];
  /** Local wall time `HH:MM` in the organization's timezone. */
  start: string;
  end: string;
  price_per_kwh?: string;
  price_per_hour?: string;
}

/** The tariff as snapshotted on a session at its start. Money as decimal strings in major units. */
export interface TariffSnapshot {
  tariff_id: string | null;
  name: string;
  currency: string;
  timezone: string;
  price_per_kwh: string;
  price_per_hour: string;
  session_fee: string;
  idle_fee_per_minute: string;
  idle_grace_minutes: number;
  min_price: string | null;
  max_price: string | null;
  tax_rate_percent: string;
  windows: TariffWindow[];
}

export interface MeterReading {
  at: Date;
  /** Energy register, Wh. */
  wh: number;
}

export interface PricingInput {
  tariff: TariffSnapshot;
  startedAt: Date;
  /** The session's end, or now for a live estimate. */
  endedAt: Date;
  /** Energy register readings, any order; at least the start reading when the charger sent one. */
  readings: MeterReading[];
}

export type CostLineType =
  'energy' | 'time' | 'session_fee' | 'idle_fee' | 'minimum_adjustment' | 'maximum_adjustment' | 'tax';

export interface CostLine {
  type: CostLineType;
  description: string;
  /** Decimal string: kWh (3 decimals), hours (4), minutes (2) or 1. */
  quantity: string;
  unit: 'kWh' | 'h' | 'min' | 'session' | '%';
  unit_price: string;
  amount_minor: number;
}

export interface PricingResult {
  currency: string;
  lines: CostLine[];
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  energy_wh: number;
  charging_seconds: number;
  idle_seconds: number;
}

const MICRO = 1_000_000n;
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Digits after the decimal point of the currency's minor unit (ISO 4217). */
export function minorDigits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(currency)) return 3;
  return 2;
}

/** `"0.35"` → 350000n (millionths). Throws on anything but a plain non-negative decimal. */
export function toMicros(decimal: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(decimal);
  if (!match) throw new Error(`Not a decimal price: ${decimal}`);
  return BigInt(match[1]) * MICRO + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** Non-negative fraction num/den rounded half up. */
export function roundHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

/** Integer minor units as a decimal string in major units: 784, EUR → "7.84". */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Minor units as a JSON number in major units (display only; the exact value is the integer). */
export function minorToMajor(minor: number, currency: string): number {
  return Number(formatMinor(minor, currency));
}

function decimal(value: bigint, scale: number): string {
  const s = value.toString().padStart(scale + 1, '0');
  return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

// ---- time zones -------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday],
  };
}

function offsetMs(ms: number, timeZone: string): number {
  const l = localTime(ms, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant of a local wall time (day may overflow: Date.UTC normalises it). */
export function localToUtc(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): number {
  const guess = Date.UTC(year, month - 1, day, 0, minutes);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return second;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

function windowAt(windows: TariffWindow[], ms: number, timeZone: string): TariffWindow | null {
  const l = localTime(ms, timeZone);
  const now = l.hour * 60 + l.minute + l.second / 60;
  const yesterday = l.weekday === 1 ? 7 : l.weekday - 1;
  const onDay = (w: TariffWindow, day: number) => !w.days || w.days.length === 0 || w.days.includes(day);
  for (const w of windows) {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start < end) {
      if (now >= start && now < end && onDay(w, l.weekday)) return w;
    } else if (start > end) {
      if (now >= start && onDay(w, l.weekday)) return w;
      if (now < end && onDay(w, yesterday)) return w;
    } else if (onDay(w, l.weekday)) {
      return w;
    }
  }
  return null;
}

/** Instants in (from, to) where the applicable window may change: window edges and local midnights. */
function boundaries(windows: TariffWindow[], from: number, to: number, timeZone: string): number[] {
  if (windows.length === 0 || to <= from) return [];
  const first = localTime(from, timeZone);
  const edges = new Set<number>([0]);
  for (const w of windows) {
    edges.add(minutesOf(w.start));
    edges.add(minutesOf(w.end));
  }
  const out = new Set<number>();
  const days = Math.ceil((to - from) / 86_400_000) + 2;
  for (let d = -1; d <= days; d++) {
    for (const minutes of edges) {
      const t = localToUtc(first.year, first.month, first.day + d, minutes, timeZone);
      if (t > from && t < to) out.add(t);
    }
  }
  return [...out].sort((a, b) => a - b);
}

// ---- energy -----------------------------------------------------------------------------------

interface Point {
  ms: number;
  mwh: bigint;
}

/** The register at `ms`, linearly interpolated between readings (mWh, rounded half up). */
function registerAt(points: Point[], ms: number): bigint {
  if (ms <= points[0].ms) return points[0].mwh;
  const last = points[points.length - 1];
  if (ms >= last.ms) return last.mwh;
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (ms > b.ms) continue;
    const a = points[i - 1];
    if (b.ms === a.ms) return b.mwh;
    const delta = b.mwh - a.mwh;
    const span = BigInt(b.ms - a.ms);
    const elapsed = BigInt(ms - a.ms);
    return delta >= 0n
      ? a.mwh + roundHalfUp(delta * elapsed, span)
      : a.mwh - roundHalfUp(-delta * elapsed, span);
  }
  return last.mwh;
}

/** Readings clipped to the session, ordered, and made monotonic (a register never runs backwards). */
function meterPoints(readings: MeterReading[], from: number, to: number): Point[] {
  const sorted = readings
    .map((r) => ({ ms: r.at.getTime(), mwh: BigInt(Math.round(r.wh * 1000)) }))
    .filter((p) => p.ms >= from - 1 && p.ms <= to + 1)
    .sort((a, b) => a.ms - b.ms);
  const points: Point[] = [];
  for (const p of sorted) {
    const prev = points[points.length - 1];
    const mwh = prev && p.mwh < prev.mwh ? prev.mwh : p.mwh;
    points.push({ ms: Math.min(Math.max(p.ms, from), to), mwh });
  }
  return points;
}

// ---- the engine -------------------------------------------------------------------------------

interface Bucket {
  label: string;
  pricePerKwh: string;
  pricePerHour: string;
  mwh: bigint;
  ms: bigint;
}

export function priceSession(input: PricingInput): PricingResult {
  const { tariff } = input;
  const scale = 10n ** BigInt(minorDigits(tariff.currency));
  const from = input.startedAt.getTime();
  const to = Math.max(from, input.endedAt.getTime());
  const points = meterPoints(input.readings, from, to);

  // Charging lasts until the register last rose; the rest of the session is idle.
  let chargingEnd = to;
  let idleStart = to;
  if (points.length >= 2) {
    const final = points[points.length - 1].mwh;
    const firstAtFinal = points.find((p) => p.mwh === final)!;
    if (final > points[0].mwh || firstAtFinal.ms > from) {
      chargingEnd = firstAtFinal.ms;
      idleStart = firstAtFinal.ms;
    } else {
      chargingEnd = from;
      idleStart = from;
    }
  }

  const buckets = new Map<string, Bucket>();
  const cuts = [from, ...boundaries(tariff.windows, from, chargingEnd, tariff.timezone), chargingEnd];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    if (b <= a) continue;
    const w = windowAt(tariff.windows, a + Math.floor((b - a) / 2), tariff.timezone);
    const key = w ? `${w.start}-${w.end}-${tariff.windows.indexOf(w)}` : 'base';
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = {
        label: w ? (w.name ?? `${w.start}–${w.end}`) : '',
        pricePerKwh: w?.price_per_kwh ?? tariff.price_per_kwh,
        pricePerHour: w?.price_per_hour ?? tariff.price_per_hour,
        mwh: 0n,
        ms: 0n,
      };
      buckets.set(key, bucket);
    }
    bucket.ms += BigInt(b - a);
    if (points.length >= 2) bucket.mwh += registerAt(points, b) - registerAt(points, a);
  }

  const lines: CostLine[] = [];
  const suffix = (b: Bucket) => (b.label ? ` (${b.label})` : '');
  for (const b of buckets.values()) {
    const price = toMicros(b.pricePerKwh);
    if (price > 0n && b.mwh > 0n) {
      lines.push({
        type: 'energy',
        description: `Energy${suffix(b)}`,
        quantity: decimal(roundHalfUp(b.mwh, 1000n), 3),
        unit: 'kWh',
        unit_price: b.pricePerKwh,
        // mWh × micros / (10^6 mWh per kWh × 10^6 micros per unit) in major units.
        amount_minor: Number(roundHalfUp(b.mwh * price * scale, MICRO * MICRO)),
      });
    }
  }
  for (const b of buckets.values()) {
    const price = toMicros(b.pricePerHour);
    if (price > 0n && b.ms > 0n) {
      lines.push({
        type: 'time',
        description: `Charging time${suffix(b)}`,
        quantity: decimal(roundHalfUp(b.ms, 360n), 4),
        unit: 'h',
        unit_price: b.pricePerHour,
        amount_minor: Number(roundHalfUp(b.ms * price * scale, 3_600_000n * MICRO)),
      });
    }
  }
  const fee = toMicros(tariff.session_fee);
  if (fee > 0n) {
    lines.push({
      type: 'session_fee',
      description: 'Session fee',
      quantity: '1',
      unit: 'session',
      unit_price: tariff.session_fee,
      amount_minor: Number(roundHalfUp(fee * scale, MICRO)),
    });
  }
  const idleMs = to - idleStart;
  const billableIdleMs = BigInt(Math.max(0, idleMs - tariff.idle_grace_minutes * 60_000));
  const idlePrice = toMicros(tariff.idle_fee_per_minute);
  if (idlePrice > 0n && billableIdleMs > 0n) {
    lines.push({
      type: 'idle_fee',
      description: `Idle fee after ${tariff.idle_grace_minutes} min grace`,
      quantity: decimal(roundHalfUp(billableIdleMs, 600n), 2),
      unit: 'min',
      unit_price: tariff.idle_fee_per_minute,
      amount_minor: Number(roundHalfUp(billableIdleMs * idlePrice * scale, 60_000n * MICRO)),
    });
  }

  let subtotal = lines.reduce((sum, l) => sum + l.amount_minor, 0);
  const min =
    tariff.min_price === null ? null : Number(roundHalfUp(toMicros(tariff.min_price) * scale, MICRO));
  const max =
    tariff.max_price === null ? null : Number(roundHalfUp(toMicros(tariff.max_price) * scale, MICRO));
  if (min !== null && subtotal < min) {
    lines.push({
      type: 'minimum_adjustment',
      description: 'Minimum session price',
      quantity: '1',
      unit: 'session',
      unit_price: tariff.min_price!,
      amount_minor: min - subtotal,
    });
    subtotal = min;
  } else if (max !== null && subtotal > max) {
    lines.push({
      type: 'maximum_adjustment',
      description: 'Maximum session price',
      quantity: '1',
      unit: 'session',
      unit_price: tariff.max_price!,
      amount_minor: max - subtotal,
    });
    subtotal = max;
  }
  // Tax rate: percent with up to 6 decimals → millionths of a percent.
  const rate = toMicros(tariff.tax_rate_percent);
  const tax = Number(roundHalfUp(BigInt(subtotal) * rate, 100n * MICRO));
  if (rate > 0n) {
    lines.push({
      type: 'tax',
      description: `Tax ${tariff.tax_rate_percent}%`,
      quantity: tariff.tax_rate_percent,
      unit: '%',
      unit_price: formatMinor(subtotal, tariff.currency),
      amount_minor: tax,
    });
  }
  const energy = points.length >= 2 ? points[points.length - 1].mwh - points[0].mwh : 0n;
  return {
    currency: tariff.currency,
    lines,
    subtotal_minor: subtotal,
    tax_minor: tax,
    total_minor: subtotal + tax,
    energy_wh: Number(energy) / 1000,
    charging_seconds: Math.round((chargingEnd - from) / 1000),
    idle_seconds: Math.round(idleMs / 1000),
  };
}
