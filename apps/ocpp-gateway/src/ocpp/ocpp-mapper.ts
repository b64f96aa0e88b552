import type { IdTagType } from '@csms/domain';
import type { MeterValue16, SampledValue16 } from '../v16/v16.types';
import type { MeterValue201, SampledValue201 } from '../v201/v201.types';

/** The one place where 1.6 and 2.0.1 shapes become the CSMS's own. */

export const BILLING_MEASURAND = 'Energy.Active.Import.Register';
/** Charger clocks further off than this are flagged. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface NormalizedSample {
  sampledAt: Date;
  measurand: string;
  phase: string | null;
  location: string | null;
  context: string | null;
  /** The unit the value is stored in (Wh/varh for energy, otherwise as sent). */
  unit: string | null;
  value: number;
  rawValue: string;
}

const KILO_UNITS: Record<string, string> = { kWh: 'Wh', kvarh: 'varh', kW: 'W', kvar: 'var' };

function normalizeUnit(value: number, unit: string | undefined): { value: number; unit: string | null } {
  if (unit && KILO_UNITS[unit]) return { value: value * 1000, unit: KILO_UNITS[unit] };
  return { value, unit: unit ?? null };
}

function defaultUnit(measurand: string): string | undefined {
  return measurand.startsWith('Energy.') ? (measurand.includes('Reactive') ? 'varh' : 'Wh') : undefined;
}

/**
 * A 1.6 sampled value: value is a string, unit defaults to Wh for energy; signed data is skipped. The
 * samples of one meter value may share one `timestamp` Date (parsed once, not per sample).
 */
export function fromSampledValue16(
  sample: SampledValue16,
  timestamp: string | Date,
): NormalizedSample | null {
  if (sample.format === 'SignedData') return null;
  const number = Number(sample.value);
  if (sample.value.trim() === '' || !Number.isFinite(number)) return null;
  const measurand = sample.measurand ?? BILLING_MEASURAND;
  const { value, unit } = normalizeUnit(number, sample.unit ?? defaultUnit(measurand));
  return {
    sampledAt: timestamp instanceof Date ? timestamp : new Date(timestamp),
    measurand,
    phase: sample.phase ?? null,
    location: sample.location ?? null,
    context: sample.context ?? null,
    unit,
    value,
    rawValue: sample.value.slice(0, 64),
  };
}

/** A 2.0.1 sampled value: a number, scaled by 10^multiplier, unit defaults to Wh for energy. */
export function fromSampledValue201(
  sample: SampledValue201,
  timestamp: string | Date,
): NormalizedSample | null {
  if (!Number.isFinite(sample.value)) return null;
  const measurand = sample.measurand ?? BILLING_MEASURAND;
  const multiplier = sample.unitOfMeasure?.multiplier ?? 0;
  const scaled = sample.value * 10 ** multiplier;
  const { value, unit } = normalizeUnit(scaled, sample.unitOfMeasure?.unit ?? defaultUnit(measurand));
  return {
    sampledAt: timestamp instanceof Date ? timestamp : new Date(timestamp),
    measurand,
    phase: sample.phase ?? null,
    location: sample.location ?? null,
    context: sample.context ?? null,
    unit,
    value: Math.round(value * 1e6) / 1e6,
    rawValue: String(sample.value).slice(0, 64),
  };
}

/** The samples of meter values, each meter value's timestamp parsed once for all its samples. */
function samplesOf<T>(
  meterValues: ReadonlyArray<{ timestamp: string; sampledValue: T[] }>,
  read: (sample: T, timestamp: Date) => NormalizedSample | null,
): NormalizedSample[] {
  const samples: NormalizedSample[] = [];
  for (const mv of meterValues) {
    const at = new Date(mv.timestamp);
    for (const sv of mv.sampledValue) {
      const sample = read(sv, at);
      if (sample) samples.push(sample);
    }
  }
  return samples;
}

export const samplesOf16 = (meterValues: readonly MeterValue16[]) =>
  samplesOf(meterValues, fromSampledValue16);

export const samplesOf201 = (meterValues: readonly MeterValue201[]) =>
  samplesOf(meterValues, fromSampledValue201);

/** Billing energy: the import register of the whole outlet (no phase). */
export function isBillingEnergy(sample: NormalizedSample): boolean {
  return (
    sample.measurand === BILLING_MEASURAND &&
    sample.phase === null &&
    (sample.location === null || sample.location === 'Outlet')
  );
}

const TOKEN_TYPES_201: Record<string, IdTagType> = {
  ISO14443: 'rfid',
  ISO15693: 'iso15693',
  eMAID: 'emaid',
  KeyCode: 'key_code',
  Local: 'local',
  MacAddress: 'mac_address',
  NoAuthorization: 'no_authorization',
  Central: 'central',
};

export function idTokenTypeFrom201(type: string): IdTagType | null {
  return TOKEN_TYPES_201[type] ?? null;
}

/** A 1.6 idTag is a CiString20 and a 2.0.1 idToken a case-insensitive string: match on lower case. */
export function normalizeIdTag(value: string): string {
  return value.trim().toLowerCase();
}

export function isClockSkewed(chargerTime: Date, receivedAt: Date): boolean {
  return Math.abs(chargerTime.getTime() - receivedAt.getTime()) > CLOCK_SKEW_MS;
}
