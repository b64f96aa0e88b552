import { MigrationInterface, QueryRunner } from 'typeorm';

export class StatusHistoryRetries1795360320429 implements MigrationInterface {
  name = 'StatusHistoryRetries1795360320429';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "status_history_cp_time_idx" ON "status_history" ("charge_point_id", "charger_timestamp") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."status_history_cp_time_idx"`);
  }
}
