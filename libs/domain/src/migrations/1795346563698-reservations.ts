import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reservations1795346563698 implements MigrationInterface {
  name = 'Reservations1795346563698';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "reservations" ("id" character varying(40) NOT NULL, "ocpp_reservation_id" integer NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "connector_id" integer NOT NULL, "ocpp_version" character varying(8) NOT NULL, "id_tag" character varying(255) NOT NULL, "ocpp_id_tag" character varying(36) NOT NULL, "id_tag_id" character varying(40), "expiry_date" TIMESTAMP WITH TIME ZONE NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "status_reason" character varying(64), "reserve_command_id" character varying(40), "cancel_command_id" character varying(40), "session_id" character varying(40), "created_by" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_da95cef71b617ac35dc5bcda243" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "reservations_ocpp_id_uq" ON "reservations" ("ocpp_reservation_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "reservations_org_idx" ON "reservations" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "reservations_cp_idx" ON "reservations" ("charge_point_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_6a2a47c2b80d82b5c66105611c1" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "FK_ba4326265ff5dd3a9cf2dc962aa" FOREIGN KEY ("charge_point_id") REFERENCES "charge_points"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Hand-written: the OCPP reservation id sequence and the partial indexes.
    await queryRunner.query(
      `CREATE SEQUENCE "reservation_ocpp_id_seq" AS integer START WITH 1 MAXVALUE 2147483647`,
    );
    // No double booking: one pending or active reservation per connector.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "reservations_open_connector_uq" ON "reservations" ("charge_point_id", "connector_id") WHERE "status" IN ('pending', 'active')`,
    );
    // The expiry sweep.
    await queryRunner.query(
      `CREATE INDEX "reservations_open_expiry_idx" ON "reservations" ("expiry_date") WHERE "status" IN ('pending', 'active')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."reservations_open_expiry_idx"`);
    await queryRunner.query(`DROP INDEX "public"."reservations_open_connector_uq"`);
    await queryRunner.query(`DROP SEQUENCE "reservation_ocpp_id_seq"`);
    await queryRunner.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_ba4326265ff5dd3a9cf2dc962aa"`);
    await queryRunner.query(`ALTER TABLE "reservations" DROP CONSTRAINT "FK_6a2a47c2b80d82b5c66105611c1"`);
    await queryRunner.query(`DROP INDEX "public"."reservations_cp_idx"`);
    await queryRunner.query(`DROP INDEX "public"."reservations_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."reservations_ocpp_id_uq"`);
    await queryRunner.query(`DROP TABLE "reservations"`);
  }
}
