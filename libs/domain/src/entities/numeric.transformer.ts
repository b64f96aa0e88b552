import type { ValueTransformer } from 'typeorm';

/** Postgres `numeric` comes back as a string; energy and power are read as numbers. */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};
