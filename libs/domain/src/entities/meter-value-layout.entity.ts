import { createHash } from 'node:crypto';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a sampled-value set's values are: value `i` is `measurands[i]`, `phases[i]`, and so on. */
export interface MeterLayoutFields {
  measurands: string[];
  phases: Array<string | null>;
  locations: Array<string | null>;
  contexts: Array<string | null>;
  units: Array<string | null>;
}

/**
 * The key of a layout: the MD5 (32 hex digits, read by Postgres as a uuid) of its five arrays as JSON.
 * Computed where a set is written, so a set names its layout without looking it up.
 */
export function layoutDigest(layout: MeterLayoutFields): string {
  return layoutDigestOfKey(layoutKey(layout));
}

/** The five arrays of a layout as the JSON text its digest is taken of. */
export function layoutKey(layout: MeterLayoutFields): string {
  return JSON.stringify([layout.measurands, layout.phases, layout.locations, layout.contexts, layout.units]);
}

export function layoutDigestOfKey(key: string): string {
  return createHash('md5').update(key).digest('hex');
}

/**
 * The measurands, phases, locations, contexts and units of a sampled-value set, stored once per
 * combination rather than in every set: a charger sends the same ten-value layout in every MeterValues,
 * and its five arrays were about two thirds of a set's row. A set refers to its layout by `digest`
 * (`meter_value_sets.layout`); layouts are never changed or deleted. There is no foreign key (a check on
 * every stored set): the gateway writes a layout before, or in the same transaction as, the first set
 * that refers to it.
 */
@Entity('meter_value_layouts')
export class MeterValueLayout implements MeterLayoutFields {
  @PrimaryColumn({ type: 'uuid' })
  digest: string;

  @Column({ type: 'text', array: true })
  measurands: string[];

  @Column({ type: 'text', array: true })
  phases: Array<string | null>;

  @Column({ type: 'text', array: true })
  locations: Array<string | null>;

  @Column({ type: 'text', array: true })
  contexts: Array<string | null>;

  @Column({ type: 'text', array: true })
  units: Array<string | null>;
}
