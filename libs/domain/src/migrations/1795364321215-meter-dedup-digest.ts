import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dedup key of a meter value becomes the MD5 of the key string, as a uuid (16 bytes instead of up to
 * 300 characters, in the row and in its unique index), unique per charge point and sampling time (the
 * index grows in time order per charger). Hand-written: existing rows are converted in place with the
 * digest the gateway now computes (`md5(key)::uuid`), so a message stored before the change and retried
 * after it is still recognised; TypeORM would drop the column instead. `down` cannot recover the key
 * strings: it keeps the digests' text, which the previous code does not compute.
 */
export class MeterDedupDigest1795364321215 implements MigrationInterface {
  name = 'MeterDedupDigest1795364321215';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."meter_values_dedup_uq"`);
    await queryRunner.query(
      `ALTER TABLE "meter_values" ALTER COLUMN "dedup_key" TYPE uuid USING md5("dedup_key")::uuid`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "meter_values_dedup_uq" ON "meter_values" ("charge_point_id", "sampled_at", "dedup_key") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."meter_values_dedup_uq"`);
    await queryRunner.query(
      `ALTER TABLE "meter_values" ALTER COLUMN "dedup_key" TYPE character varying(300) USING "dedup_key"::text`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "meter_values_dedup_uq" ON "meter_values" ("charge_point_id", "dedup_key") `,
    );
  }
}
