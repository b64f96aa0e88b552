import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export const ID_PREFIXES = [
  'org',
  'usr',
  'mem',
  'inv',
  'key',
  'tok',
  'aud',
  'msg',
  'res',
  'sess',
  'cmd',
  'disp',
  'proj',
  'tag',
  'trf',
  'evse',
  'conn',
  'drv',
  'so',
  'doc',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** A prefixed ULID such as `org_01HX7A3B2C4D5E6F7G8H9J0K1M`: sortable by creation time, unguessable enough for ids. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

const ID_PATTERN = /^[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(value: unknown, prefix?: IdPrefix): value is string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) return false;
  return prefix === undefined || value.startsWith(`${prefix}_`);
}
