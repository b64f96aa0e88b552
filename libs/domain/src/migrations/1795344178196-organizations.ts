import { MigrationInterface, QueryRunner } from 'typeorm';

export class Organizations1795344178196 implements MigrationInterface {
  name = 'Organizations1795344178196';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "actor_type" character varying(16) NOT NULL, "actor_id" character varying(40), "action" character varying(64) NOT NULL, "resource_type" character varying(32) NOT NULL, "resource_id" character varying(64), "before" jsonb, "after" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_log_org_idx" ON "audit_log" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "invitations" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "email" character varying(320) NOT NULL, "role" character varying(20) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "token_hash" character(64), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, "invited_by_user_id" character varying(40), "invited_by_key_id" character varying(40), "accepted_at" TIMESTAMP WITH TIME ZONE, "accepted_by_user_id" character varying(40), "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_872ac94a64b3d44fc4b554780cd" UNIQUE ("token_hash"), CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "invitations_one_pending_per_email" ON "invitations" ("organization_id", "email") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "invitations_org_idx" ON "invitations" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "outbound_emails" ("id" character varying(40) NOT NULL, "organization_id" character varying(40), "recipient" character varying(320) NOT NULL, "template" character varying(40) NOT NULL, "invitation_id" character varying(40), "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "subject" character varying(500), "message_id" character varying(500), "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d07cd54ab4e5dd921ff509203ae" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "outbound_emails_invitation_idx" ON "outbound_emails" ("invitation_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "outbound_emails_pending_idx" ON "outbound_emails" ("created_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "FK_42d1dbb4d85dc3643fdc6560af0" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "FK_42d1dbb4d85dc3643fdc6560af0"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_emails_pending_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_emails_invitation_idx"`);
    await queryRunner.query(`DROP TABLE "outbound_emails"`);
    await queryRunner.query(`DROP INDEX "public"."invitations_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."invitations_one_pending_per_email"`);
    await queryRunner.query(`DROP TABLE "invitations"`);
    await queryRunner.query(`DROP INDEX "public"."audit_log_org_idx"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
