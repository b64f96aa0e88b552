import { isCountryCode, isCurrencyCode, isTimeZone } from './validators';

describe('reference data validators', () => {
  it('accepts assigned ISO 3166-1 alpha-2 codes only', () => {
    expect(['GB', 'DE', 'US', 'NL'].every(isCountryCode)).toBe(true);
    expect(['XX', 'gb', 'UK', 'EU', 'GBR', ''].some(isCountryCode)).toBe(false);
  });
  it('accepts ISO 4217 currencies', () => {
    expect(['EUR', 'USD', 'GBP'].every(isCurrencyCode)).toBe(true);
    expect(['eur', 'EURO', 'XYZ1'].some(isCurrencyCode)).toBe(false);
  });
  it('accepts IANA time zones', () => {
    expect(['Europe/Berlin', 'America/Chicago', 'UTC'].every(isTimeZone)).toBe(true);
    expect(['Mars/Base', 'CET+1', 'europe-berlin'].some(isTimeZone)).toBe(false);
  });
});
