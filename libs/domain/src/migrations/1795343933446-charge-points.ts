import { MigrationInterface, QueryRunner } from 'typeorm';

export class ChargePoints1795343933446 implements MigrationInterface {
  name = 'ChargePoints1795343933446';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "charge_points" ("id" character varying(48) NOT NULL, "organization_id" character varying(40) NOT NULL, "name" character varying(200), "ocpp_version" character varying(8) NOT NULL DEFAULT 'auto', "connected_ocpp_version" character varying(8), "registration_status" character varying(16) NOT NULL DEFAULT 'accepted', "security_profile" smallint NOT NULL DEFAULT '1', "location" character varying(500), "project_id" character varying(40), "password_hash" character varying(200), "previous_password_hash" character varying(200), "vendor" character varying(50), "model" character varying(50), "serial_number" character varying(50), "firmware_version" character varying(50), "last_boot_at" TIMESTAMP WITH TIME ZONE, "last_seen_at" TIMESTAMP WITH TIME ZONE, "decommissioned_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4dade04664e058ce43e35fad204" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "charge_points_org_idx" ON "charge_points" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "charge_points" ADD CONSTRAINT "FK_17ef14de18b9cad19ee834c48f4" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "charge_points" DROP CONSTRAINT "FK_17ef14de18b9cad19ee834c48f4"`);
    await queryRunner.query(`DROP INDEX "public"."charge_points_org_idx"`);
    await queryRunner.query(`DROP TABLE "charge_points"`);
  }
}
