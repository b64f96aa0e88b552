import { MigrationInterface, QueryRunner } from 'typeorm';

export class SiteOwners1795348602158 implements MigrationInterface {
  name = 'SiteOwners1795348602158';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "site_owners" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "user_id" character varying(40) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'onboarding', "company_name" character varying(200), "contact_name" character varying(200), "contact_phone" character varying(50), "address" character varying(500), "tax_id" character varying(50), "profile_completed_at" TIMESTAMP WITH TIME ZONE, "account_holder" character varying(200), "iban_encrypted" character varying(300), "iban_last4" character varying(4), "bank_details_completed_at" TIMESTAMP WITH TIME ZONE, "submitted_at" TIMESTAMP WITH TIME ZONE, "approved_at" TIMESTAMP WITH TIME ZONE, "rejected_at" TIMESTAMP WITH TIME ZONE, "rejection_reason" character varying(1000), "invited_by_user_id" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_81cafeb08dd994b9421849fd562" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "site_owners_user_key" ON "site_owners" ("user_id") `);
    await queryRunner.query(
      `CREATE INDEX "site_owners_org_idx" ON "site_owners" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "projects" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "name" character varying(200) NOT NULL, "address" character varying(500), "latitude" numeric(9,6), "longitude" numeric(9,6), "status" character varying(16) NOT NULL DEFAULT 'active', "site_owner_id" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "projects_site_owner_idx" ON "projects" ("site_owner_id") `);
    await queryRunner.query(
      `CREATE INDEX "projects_org_idx" ON "projects" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "site_owner_documents" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "site_owner_id" character varying(40) NOT NULL, "file_name" character varying(255) NOT NULL, "content_type" character varying(50) NOT NULL, "size_bytes" integer NOT NULL, "sha256" character(64) NOT NULL, "storage_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d6887bab7f792f81f4d4b324196" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "site_owner_documents_owner_idx" ON "site_owner_documents" ("site_owner_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "site_owner_invitations" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "email" character varying(320) NOT NULL, "company_name" character varying(200), "project_ids" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "token_hash" character(64), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "invited_by_user_id" character varying(40), "invited_by_key_id" character varying(40), "accepted_at" TIMESTAMP WITH TIME ZONE, "site_owner_id" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_5de19bde40c81ba0549614fc867" UNIQUE ("token_hash"), CONSTRAINT "PK_e7d7affffee77c28979e7214079" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "site_owner_invitations_org_idx" ON "site_owner_invitations" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "outbound_emails" ADD "site_owner_invitation_id" character varying(40)`,
    );
    await queryRunner.query(`ALTER TABLE "outbound_emails" ADD "site_owner_id" character varying(40)`);
    await queryRunner.query(`CREATE INDEX "charge_points_project_idx" ON "charge_points" ("project_id") `);
    await queryRunner.query(
      `CREATE INDEX "outbound_emails_site_owner_invitation_idx" ON "outbound_emails" ("site_owner_invitation_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "site_owners" ADD CONSTRAINT "FK_18b5a411ee2aee4737c952a7d5a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "site_owners" ADD CONSTRAINT "FK_5a82d9908a699f3a394f14539a0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "FK_585c8ce06628c70b70100bfb842" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "FK_94811df1b546bfed50634ea5bf2" FOREIGN KEY ("site_owner_id") REFERENCES "site_owners"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // Before this migration project_id was free text of the right shape: no project exists yet to keep.
    await queryRunner.query(`UPDATE "charge_points" SET "project_id" = NULL WHERE "project_id" IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "charge_points" ADD CONSTRAINT "FK_04fd5ede05fbe0255c9bcc88ee1" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "site_owner_documents" ADD CONSTRAINT "FK_1dbccc4b3f588b3153cf406f42f" FOREIGN KEY ("site_owner_id") REFERENCES "site_owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "site_owner_invitations" ADD CONSTRAINT "FK_4472aff7fb8d4879d515e745d5a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "site_owner_invitations" DROP CONSTRAINT "FK_4472aff7fb8d4879d515e745d5a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "site_owner_documents" DROP CONSTRAINT "FK_1dbccc4b3f588b3153cf406f42f"`,
    );
    await queryRunner.query(`ALTER TABLE "charge_points" DROP CONSTRAINT "FK_04fd5ede05fbe0255c9bcc88ee1"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP CONSTRAINT "FK_94811df1b546bfed50634ea5bf2"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP CONSTRAINT "FK_585c8ce06628c70b70100bfb842"`);
    await queryRunner.query(`ALTER TABLE "site_owners" DROP CONSTRAINT "FK_5a82d9908a699f3a394f14539a0"`);
    await queryRunner.query(`ALTER TABLE "site_owners" DROP CONSTRAINT "FK_18b5a411ee2aee4737c952a7d5a"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_emails_site_owner_invitation_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charge_points_project_idx"`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" DROP COLUMN "site_owner_id"`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" DROP COLUMN "site_owner_invitation_id"`);
    await queryRunner.query(`DROP INDEX "public"."site_owner_invitations_org_idx"`);
    await queryRunner.query(`DROP TABLE "site_owner_invitations"`);
    await queryRunner.query(`DROP INDEX "public"."site_owner_documents_owner_idx"`);
    await queryRunner.query(`DROP TABLE "site_owner_documents"`);
    await queryRunner.query(`DROP INDEX "public"."projects_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."projects_site_owner_idx"`);
    await queryRunner.query(`DROP TABLE "projects"`);
    await queryRunner.query(`DROP INDEX "public"."site_owners_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."site_owners_user_key"`);
    await queryRunner.query(`DROP TABLE "site_owners"`);
  }
}
