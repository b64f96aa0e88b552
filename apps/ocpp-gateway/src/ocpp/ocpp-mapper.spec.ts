import {
  fromSampledValue16,
  fromSampledValue201,
  isBillingEnergy,
  isClockSkewed,
  samplesOf16,
  samplesOf201,
} from './ocpp-mapper';

describe('OCPP mapper', () => {
  const at = '2026-01-01T10:00:00.000Z';

  it('reads a 1.6 sampled value without measurand as the energy register in Wh', () => {
    const s = fromSampledValue16({ value: '1234' }, at)!;
    expect(s).toMatchObject({ measurand: 'Energy.Active.Import.Register', unit: 'Wh', value: 1234 });
    expect(isBillingEnergy(s)).toBe(true);
  });

  it('converts kWh to Wh', () => {
    expect(fromSampledValue16({ value: '1.5', unit: 'kWh' }, at)!.value).toBe(1500);
    expect(
      fromSampledValue201(
        { value: 2.25, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
        at,
      )!.value,
    ).toBe(2250);
  });

  it('applies the 2.0.1 unit multiplier', () => {
    const s = fromSampledValue201({ value: 12, unitOfMeasure: { unit: 'Wh', multiplier: 3 } }, at)!;
    expect(s.value).toBe(12000);
  });

  it('does not bill per-phase or inlet energy', () => {
    expect(isBillingEnergy(fromSampledValue16({ value: '5', phase: 'L1' }, at)!)).toBe(false);
    expect(isBillingEnergy(fromSampledValue16({ value: '5', location: 'Inlet' }, at)!)).toBe(false);
  });

  it('skips values that are not numbers', () => {
    expect(fromSampledValue16({ value: 'abc' }, at)).toBeNull();
    expect(fromSampledValue16({ value: 'xx', format: 'SignedData' }, at)).toBeNull();
  });

  it('reads the samples of several meter values, each at its own time, skipping unreadable ones', () => {
    const later = '2026-01-01T10:00:30.000Z';
    const samples = samplesOf16([
      { timestamp: at, sampledValue: [{ value: '10' }, { value: 'abc' }, { value: '5', measurand: 'SoC' }] },
      { timestamp: later, sampledValue: [{ value: '1.5', unit: 'kWh' }] },
    ]);
    expect(samples.map((s) => [s.sampledAt.toISOString(), s.measurand, s.value])).toEqual([
      [at, 'Energy.Active.Import.Register', 10],
      [at, 'SoC', 5],
      [later, 'Energy.Active.Import.Register', 1500],
    ]);
    const v201 = samplesOf201([
      { timestamp: later, sampledValue: [{ value: 2, unitOfMeasure: { unit: 'kWh' } }, { value: NaN }] },
    ]);
    expect(v201.map((s) => [s.sampledAt.toISOString(), s.value, s.unit])).toEqual([[later, 2000, 'Wh']]);
  });

  it('flags a charger clock more than five minutes off', () => {
    const now = new Date(at);
    expect(isClockSkewed(new Date(now.getTime() + 4 * 60_000), now)).toBe(false);
    expect(isClockSkewed(new Date(now.getTime() - 6 * 60_000), now)).toBe(true);
  });
});
