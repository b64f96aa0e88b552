import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The number of live (not decommissioned) charge points of each organization, kept by triggers in the
 * transaction that changes them, so the total of an unfiltered charge point list is one row read instead
 * of a count over the whole fleet on every page.
 */
export class ChargePointCounts1795364742323 implements MigrationInterface {
  name = 'ChargePointCounts1795364742323';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "charge_point_counts" (
        "organization_id" character varying(40) NOT NULL
          REFERENCES "organizations" ("id") ON DELETE CASCADE,
        "live" integer NOT NULL DEFAULT 0,
        CONSTRAINT "PK_charge_point_counts" PRIMARY KEY ("organization_id"))`);
    await queryRunner.query(`
      INSERT INTO "charge_point_counts" ("organization_id", "live")
      SELECT o.id, (SELECT count(*) FROM charge_points cp
                    WHERE cp.organization_id = o.id AND cp.decommissioned_at IS NULL)
      FROM organizations o`);
    // Inserts: once per statement (a bulk import is one upsert per organization).
    await queryRunner.query(`
      CREATE FUNCTION charge_point_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO charge_point_counts AS c (organization_id, live)
        SELECT organization_id, count(*)::int FROM new_rows
        WHERE decommissioned_at IS NULL GROUP BY organization_id
        ON CONFLICT (organization_id) DO UPDATE SET live = c.live + EXCLUDED.live;
        RETURN NULL;
      END $$`);
    // Deletes: an organization being deleted has already lost its counter row (cascade): update, never insert.
    await queryRunner.query(`
      CREATE FUNCTION charge_point_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE charge_point_counts c SET live = c.live - d.n
        FROM (SELECT organization_id, count(*)::int AS n FROM old_rows
              WHERE decommissioned_at IS NULL GROUP BY organization_id) d
        WHERE c.organization_id = d.organization_id;
        RETURN NULL;
      END $$`);
    // Decommissioning (or undoing it): per row, and only when that column changes, so the frequent updates
    // of live data (last seen, status) never run it.
    await queryRunner.query(`
      CREATE FUNCTION charge_point_counts_decommissioned() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO charge_point_counts AS c (organization_id, live)
        VALUES (NEW.organization_id, CASE WHEN NEW.decommissioned_at IS NULL THEN 1 ELSE -1 END)
        ON CONFLICT (organization_id) DO UPDATE SET live = c.live + EXCLUDED.live;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER charge_point_counts_insert AFTER INSERT ON charge_points
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION charge_point_counts_inserted()`);
    await queryRunner.query(`
      CREATE TRIGGER charge_point_counts_delete AFTER DELETE ON charge_points
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION charge_point_counts_deleted()`);
    await queryRunner.query(`
      CREATE TRIGGER charge_point_counts_decommission AFTER UPDATE OF decommissioned_at ON charge_points
      FOR EACH ROW WHEN ((OLD.decommissioned_at IS NULL) <> (NEW.decommissioned_at IS NULL))
      EXECUTE FUNCTION charge_point_counts_decommissioned()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "charge_point_counts_decommission" ON "charge_points"`);
    await queryRunner.query(`DROP TRIGGER "charge_point_counts_delete" ON "charge_points"`);
    await queryRunner.query(`DROP TRIGGER "charge_point_counts_insert" ON "charge_points"`);
    await queryRunner.query(`DROP FUNCTION charge_point_counts_decommissioned()`);
    await queryRunner.query(`DROP FUNCTION charge_point_counts_deleted()`);
    await queryRunner.query(`DROP FUNCTION charge_point_counts_inserted()`);
    await queryRunner.query(`DROP TABLE "charge_point_counts"`);
  }
}
