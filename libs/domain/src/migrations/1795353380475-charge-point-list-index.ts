import { MigrationInterface, QueryRunner } from 'typeorm';

export class ChargePointListIndex1795353380475 implements MigrationInterface {
  name = 'ChargePointListIndex1795353380475';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "charge_points_org_live_idx" ON "charge_points" ("organization_id", "created_at", "id") WHERE decommissioned_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."charge_points_org_live_idx"`);
  }
}
