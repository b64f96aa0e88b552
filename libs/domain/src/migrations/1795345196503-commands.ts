import { MigrationInterface, QueryRunner } from 'typeorm';

export class Commands1795345196503 implements MigrationInterface {
  name = 'Commands1795345196503';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "commands" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "action" character varying(40) NOT NULL, "ocpp_action" character varying(60) NOT NULL, "ocpp_version" character varying(8) NOT NULL, "request" jsonb, "payload" jsonb NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'queued', "response" jsonb, "error_code" character varying(64), "error_reason" character varying(1000), "node_id" character varying(100), "dispatches" integer NOT NULL DEFAULT '0', "expires_at" TIMESTAMP WITH TIME ZONE, "idempotency_key" character varying(200), "remote_start_id" integer, "created_by" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "answered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7ac292c3aa19300482b2b190d1e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "commands_org_idempotency_key" ON "commands" ("organization_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "commands_remote_start_idx" ON "commands" ("charge_point_id", "remote_start_id") WHERE remote_start_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "commands_open_idx" ON "commands" ("state", "created_at") WHERE state IN ('queued', 'sent')`,
    );
    await queryRunner.query(
      `CREATE INDEX "commands_org_cp_idx" ON "commands" ("organization_id", "charge_point_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "commands" ADD CONSTRAINT "FK_ce855a2959805ab4bbf08dc715e" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "commands" ADD CONSTRAINT "FK_80a01a583eb5640ea854f6cd91a" FOREIGN KEY ("charge_point_id") REFERENCES "charge_points"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "commands" DROP CONSTRAINT "FK_80a01a583eb5640ea854f6cd91a"`);
    await queryRunner.query(`ALTER TABLE "commands" DROP CONSTRAINT "FK_ce855a2959805ab4bbf08dc715e"`);
    await queryRunner.query(`DROP INDEX "public"."commands_org_cp_idx"`);
    await queryRunner.query(`DROP INDEX "public"."commands_open_idx"`);
    await queryRunner.query(`DROP INDEX "public"."commands_remote_start_idx"`);
    await queryRunner.query(`DROP INDEX "public"."commands_org_idempotency_key"`);
    await queryRunner.query(`DROP TABLE "commands"`);
  }
}
