import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Uniform floats in [0, 1) from the system CSPRNG, drawn 4 KiB at a time: ulid's default asks the CSPRNG
 * for one byte per character (16 system calls per id), which showed in the profiles of hot paths.
 */
export function pooledRandom(): () => number {
  let pool = randomBytes(4096);
  let offset = 0;
  return () => {
    if (offset + 4 > pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    const value = pool.readUInt32BE(offset) / 0x1_0000_0000;
    offset += 4;
    return value;
  };
}

const ulid = monotonicFactory(pooledRandom());

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
