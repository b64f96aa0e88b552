import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One index of a session's sampled-value sets instead of two: (session_id, sampled_at, id) INCLUDE
 * (register_wh, register_context) serves the session's readings in order and the billing register
 * readings the session recompute reads, which the partial `meter_value_sets_register_idx` served. Since
 * values are stored as sets (one row per sampling time, MeterValueSets), most sets carry a register
 * reading, so the partial index held nearly every row again: each stored set now costs three index
 * entries instead of four.
 */
export class MeterSessionIndex1795420000000 implements MigrationInterface {
  name = 'MeterSessionIndex1795420000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "meter_value_sets_register_idx"`);
    await queryRunner.query(`DROP INDEX "meter_value_sets_session_idx"`);
    await queryRunner.query(
      `CREATE INDEX "meter_value_sets_session_idx" ON "meter_value_sets" ("session_id", "sampled_at", "id")
         INCLUDE ("register_wh", "register_context")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "meter_value_sets_session_idx"`);
    await queryRunner.query(
      `CREATE INDEX "meter_value_sets_session_idx" ON "meter_value_sets" ("session_id", "sampled_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "meter_value_sets_register_idx" ON "meter_value_sets" ("session_id", "sampled_at", "id")
         INCLUDE ("register_wh", "register_context") WHERE "register_wh" IS NOT NULL`,
    );
  }
}
