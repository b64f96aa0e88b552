import { ValidationOptions, registerDecorator } from 'class-validator';

// ISO 3166-1 alpha-2, officially assigned codes.
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
    'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
    'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
    'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);

export const isCountryCode = (v: unknown): v is string => typeof v === 'string' && COUNTRIES.has(v);
export const isCurrencyCode = (v: unknown): v is string => typeof v === 'string' && CURRENCIES.has(v);
export function isTimeZone(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  if (TIME_ZONES.has(v)) return true;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: v }).resolvedOptions().timeZone === v && v.includes('/');
  } catch {
    return false;
  }
}

function simple(name: string, test: (v: unknown) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message, ...options },
        validator: { validate: (value: unknown) => test(value) },
      });
}

export const IsCountryCode = simple(
  'isCountryCode',
  isCountryCode,
  '$property must be an ISO 3166-1 alpha-2 country code such as "GB"',
);
export const IsCurrencyCode = simple(
  'isCurrencyCode',
  isCurrencyCode,
  '$property must be an ISO 4217 currency code such as "EUR"',
);
export const IsTimeZone = simple(
  'isTimeZone',
  isTimeZone,
  '$property must be an IANA time zone such as "Europe/Berlin"',
);
