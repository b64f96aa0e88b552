import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tariffs, drivers, disputes and the pricing columns of sessions. Hand-written part (end of `up`): a
 * trigger on charging_sessions that, in the gateway's own insert, copies the applicable tariff (the
 * charge point's, else the organization's default; with currency and timezone) and records the id
 * tag's driver. The snapshot is taken at the session's start with no extra round trip on the charger's
 * path, and the gateway's code stays unaware of billing.
 */
export class Billing1795347158153 implements MigrationInterface {
  name = 'Billing1795347158153';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "disputes" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "session_id" character varying(40) NOT NULL, "driver_id" character varying(40) NOT NULL, "reason" text NOT NULL, "expected_cost_minor" bigint, "currency" character varying(3) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "refund_amount_minor" bigint, "resolution_note" text, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" character varying(40), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3c97580d01c1a4b0b345c42a107" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "disputes_session_open_uq" ON "disputes" ("session_id") WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX "disputes_org_idx" ON "disputes" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "drivers" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "user_id" character varying(40) NOT NULL, "email" character varying(320) NOT NULL, "first_name" character varying(100) NOT NULL, "last_name" character varying(100) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'invited', "invitation_token_hash" character varying(64), "invitation_expires_at" TIMESTAMP WITH TIME ZONE, "activated_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_92ab3fb69e566d3eb0cae896047" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "drivers_invitation_token_uq" ON "drivers" ("invitation_token_hash") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "drivers_user_uq" ON "drivers" ("user_id") `);
    await queryRunner.query(`CREATE INDEX "drivers_org_idx" ON "drivers" ("organization_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "tariffs" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "name" character varying(200) NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "definition" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7f32baf8d8b4bb0cf4d7ac97741" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tariffs_org_default_uq" ON "tariffs" ("organization_id") WHERE is_default`,
    );
    await queryRunner.query(`CREATE INDEX "tariffs_org_idx" ON "tariffs" ("organization_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "tariff_id" character varying(40)`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "driver_id" character varying(40)`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "tariff_snapshot" jsonb`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "currency" character varying(3)`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "cost_total_minor" integer`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "cost_breakdown" jsonb`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" ADD "priced_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" ADD "needs_review" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" ADD "stop_requested_reason" character varying(40)`,
    );
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" ADD "stop_requested_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "id_tags" ADD "driver_id" character varying(40)`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" ADD "driver_id" character varying(40)`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" ADD "dispute_id" character varying(40)`);
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_unpriced_idx" ON "charging_sessions" ("stop_received_at") WHERE status = 'completed' AND priced_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_driver_idx" ON "charging_sessions" ("driver_id", "started_at") `,
    );
    await queryRunner.query(`CREATE INDEX "id_tags_driver_idx" ON "id_tags" ("driver_id") `);
    await queryRunner.query(`
          CREATE FUNCTION charging_session_billing_defaults() RETURNS trigger AS $$
          BEGIN
            -- 2.0.1 events rewrite id_tag_id on every update: look up only when it really changes.
            IF NEW.id_tag_id IS NOT NULL AND NEW.driver_id IS NULL
               AND (TG_OP = 'INSERT' OR NEW.id_tag_id IS DISTINCT FROM OLD.id_tag_id) THEN
              SELECT driver_id INTO NEW.driver_id FROM id_tags WHERE id = NEW.id_tag_id;
            END IF;
            IF TG_OP = 'INSERT' AND NEW.tariff_snapshot IS NULL THEN
              SELECT jsonb_build_object(
                       'tariff_id', t.id, 'name', t.name,
                       'currency', o.settings->>'default_currency', 'timezone', o.settings->>'timezone'
                     ) || t.definition,
                     o.settings->>'default_currency'
                INTO NEW.tariff_snapshot, NEW.currency
                FROM organizations o
                LEFT JOIN charge_points cp ON cp.id = NEW.charge_point_id
                LEFT JOIN tariffs t ON t.organization_id = o.id AND t.id = coalesce(
                  cp.tariff_id,
                  (SELECT d.id FROM tariffs d WHERE d.organization_id = NEW.organization_id AND d.is_default))
               WHERE o.id = NEW.organization_id;
            END IF;
            RETURN NEW;
          END
          $$ LANGUAGE plpgsql`);
    await queryRunner.query(`
          CREATE TRIGGER charging_sessions_billing_defaults
          BEFORE INSERT OR UPDATE OF id_tag_id ON charging_sessions
          FOR EACH ROW EXECUTE FUNCTION charging_session_billing_defaults()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER charging_sessions_billing_defaults ON charging_sessions`);
    await queryRunner.query(`DROP FUNCTION charging_session_billing_defaults()`);
    await queryRunner.query(`DROP INDEX "public"."id_tags_driver_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_driver_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_unpriced_idx"`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" DROP COLUMN "dispute_id"`);
    await queryRunner.query(`ALTER TABLE "outbound_emails" DROP COLUMN "driver_id"`);
    await queryRunner.query(`ALTER TABLE "id_tags" DROP COLUMN "driver_id"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "stop_requested_at"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "stop_requested_reason"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "needs_review"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "priced_at"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "cost_breakdown"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "cost_total_minor"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "currency"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "tariff_snapshot"`);
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "driver_id"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "tariff_id"`);
    await queryRunner.query(`DROP INDEX "public"."tariffs_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."tariffs_org_default_uq"`);
    await queryRunner.query(`DROP TABLE "tariffs"`);
    await queryRunner.query(`DROP INDEX "public"."drivers_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."drivers_user_uq"`);
    await queryRunner.query(`DROP INDEX "public"."drivers_invitation_token_uq"`);
    await queryRunner.query(`DROP TABLE "drivers"`);
    await queryRunner.query(`DROP INDEX "public"."disputes_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."disputes_session_open_uq"`);
    await queryRunner.query(`DROP TABLE "disputes"`);
  }
}
