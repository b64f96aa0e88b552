import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

type Layout = [
  string[],
  Array<string | null>,
  Array<string | null>,
  Array<string | null>,
  Array<string | null>,
];

/** As `layoutDigest` (MeterValueLayout) computes it when the migration was written. */
const digestOf = (layout: Layout) => createHash('md5').update(JSON.stringify(layout)).digest('hex');

/** A JSON array of strings and nulls as a text array, in order. */
const textArray = (json: string) =>
  `ARRAY(SELECT e FROM jsonb_array_elements_text(${json}::jsonb) WITH ORDINALITY AS a(e, n) ORDER BY n)`;

/** The layout of the Transaction.Begin reading a 1.6 StartTransaction stores (its meterStart). */
const TRANSACTION_BEGIN: Layout = [
  ['Energy.Active.Import.Register'],
  [null],
  [null],
  ['Transaction.Begin'],
  ['Wh'],
];

/**
 * The measurands, phases, locations, contexts and units of sampled-value sets move to
 * `meter_value_layouts`, one row per combination, referred to by digest (`meter_value_sets.layout`): a
 * charger sends the same layout in every MeterValues, and its five arrays were about two thirds of each
 * set's row (isolated, inserting a set cost Postgres 41–52 µs with them and 20–32 µs with the digest, and
 * half the WAL). The layouts of the stored sets are collected and their digests computed here, as the
 * gateway computes them; the layout of a StartTransaction's first reading, which the gateway's statement
 * names without writing it, is created whether or not a set has it yet.
 */
export class MeterValueLayouts1795440000000 implements MigrationInterface {
  name = 'MeterValueLayouts1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "meter_value_layouts" ("digest" uuid NOT NULL, "measurands" text array NOT NULL,
         "phases" text array NOT NULL, "locations" text array NOT NULL, "contexts" text array NOT NULL,
         "units" text array NOT NULL, CONSTRAINT "meter_value_layouts_pkey" PRIMARY KEY ("digest"))`,
    );
    const stored: Array<{ l: Layout }> = await queryRunner.query(
      `SELECT DISTINCT jsonb_build_array(to_jsonb(measurands), to_jsonb(phases), to_jsonb(locations),
         to_jsonb(contexts), to_jsonb(units)) AS l FROM meter_value_sets`,
    );
    const layouts = [TRANSACTION_BEGIN, ...stored.map((row) => row.l)];
    for (const layout of layouts) {
      await queryRunner.query(
        `INSERT INTO meter_value_layouts (digest, measurands, phases, locations, contexts, units)
         SELECT $1::uuid, ${[2, 3, 4, 5, 6].map((n) => textArray(`$${n}`)).join(', ')}
         ON CONFLICT DO NOTHING`,
        [digestOf(layout), ...layout.map((values) => JSON.stringify(values))],
      );
    }
    await queryRunner.query(`ALTER TABLE "meter_value_sets" ADD "layout" uuid`);
    await queryRunner.query(
      `UPDATE meter_value_sets m SET layout = l.digest FROM meter_value_layouts l
       WHERE m.measurands = l.measurands AND m.phases = l.phases AND m.locations = l.locations
         AND m.contexts = l.contexts AND m.units = l.units`,
    );
    await queryRunner.query(`ALTER TABLE "meter_value_sets" ALTER COLUMN "layout" SET NOT NULL`);
    for (const column of ['measurands', 'phases', 'locations', 'contexts', 'units']) {
      await queryRunner.query(`ALTER TABLE "meter_value_sets" DROP COLUMN "${column}"`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['measurands', 'phases', 'locations', 'contexts', 'units']) {
      await queryRunner.query(`ALTER TABLE "meter_value_sets" ADD "${column}" text array`);
    }
    await queryRunner.query(
      `UPDATE meter_value_sets m SET measurands = l.measurands, phases = l.phases, locations = l.locations,
         contexts = l.contexts, units = l.units
       FROM meter_value_layouts l WHERE l.digest = m.layout`,
    );
    for (const column of ['measurands', 'phases', 'locations', 'contexts', 'units']) {
      await queryRunner.query(`ALTER TABLE "meter_value_sets" ALTER COLUMN "${column}" SET NOT NULL`);
    }
    await queryRunner.query(`ALTER TABLE "meter_value_sets" DROP COLUMN "layout"`);
    await queryRunner.query(`DROP TABLE "meter_value_layouts"`);
  }
}
