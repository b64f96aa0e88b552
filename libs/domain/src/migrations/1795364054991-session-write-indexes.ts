import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes for the gateway's write path. Hand-written part: `meter_values_register_idx` holds only
 * the billing register samples the session recompute reads (a tenth of the rows), in the order it reads
 * them, with the value and context included; TypeORM cannot express INCLUDE, so the entity declares it
 * with `synchronize: false`.
 */
export class SessionWriteIndexes1795364054991 implements MigrationInterface {
  name = 'SessionWriteIndexes1795364054991';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_active_evse_idx" ON "charging_sessions" ("charge_point_id", "evse_number") WHERE status = 'active'`,
    );
    await queryRunner.query(
      `CREATE INDEX "meter_values_register_idx" ON "meter_values" ("session_id", "sampled_at", "id") INCLUDE ("value", "context")
       WHERE measurand = 'Energy.Active.Import.Register' AND phase IS NULL AND (location IS NULL OR location = 'Outlet')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."meter_values_register_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_active_evse_idx"`);
  }
}
