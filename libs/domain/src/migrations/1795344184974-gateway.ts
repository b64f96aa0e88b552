import { MigrationInterface, QueryRunner } from 'typeorm';

export class Gateway1795344184974 implements MigrationInterface {
  name = 'Gateway1795344184974';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "charge_point_events" ("id" BIGSERIAL NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "kind" character varying(48) NOT NULL, "payload" jsonb NOT NULL, "charger_timestamp" TIMESTAMP WITH TIME ZONE, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6da5723d7e3c8ba0a626c8fac83" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "charge_point_events_cp_idx" ON "charge_point_events" ("charge_point_id", "kind", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "charging_sessions" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "ocpp_version" character varying(8) NOT NULL, "transaction_id" character varying(64) NOT NULL, "ocpp_transaction_id" integer, "remote_start_id" integer, "evse_number" integer, "connector_number" integer, "id_tag" character varying(36), "id_token_type" character varying(20), "id_tag_id" character varying(40), "status" character varying(16) NOT NULL DEFAULT 'active', "started_at" TIMESTAMP WITH TIME ZONE, "stopped_at" TIMESTAMP WITH TIME ZONE, "start_received_at" TIMESTAMP WITH TIME ZONE, "stop_received_at" TIMESTAMP WITH TIME ZONE, "meter_start_wh" numeric(18,3), "meter_stop_wh" numeric(18,3), "last_meter_wh" numeric(18,3), "energy_wh" numeric(18,3), "stop_reason" character varying(40), "last_seq_no" integer, "flags" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6377ba54c75e0e6cad037cc3eec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_cp_idx" ON "charging_sessions" ("charge_point_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_org_idx" ON "charging_sessions" ("organization_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "charging_sessions_cp_tx_uq" ON "charging_sessions" ("charge_point_id", "transaction_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "connectors" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "evse_number" integer NOT NULL, "connector_number" integer NOT NULL, "connector_type" character varying(32), "max_power_kw" numeric(10,2), "source" character varying(24) NOT NULL DEFAULT 'operator', "status" character varying(24), "error_code" character varying(50), "info" character varying(50), "vendor_error_code" character varying(50), "status_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c1334e2a68a8de86d1732a8e3fb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "connectors_cp_evse_number_uq" ON "connectors" ("charge_point_id", "evse_number", "connector_number") `,
    );
    await queryRunner.query(
      `CREATE TABLE "evses" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "evse_number" integer NOT NULL, "max_power_kw" numeric(10,2), "source" character varying(24) NOT NULL DEFAULT 'operator', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee24dd97f1d17e2c6c7e1b0a22c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "evses_cp_number_uq" ON "evses" ("charge_point_id", "evse_number") `,
    );
    await queryRunner.query(
      `CREATE TABLE "id_tags" ("id" character varying(40) NOT NULL, "organization_id" character varying(40) NOT NULL, "value" character varying(36) NOT NULL, "value_normalized" character varying(36) NOT NULL, "type" character varying(20) NOT NULL DEFAULT 'rfid', "status" character varying(16) NOT NULL DEFAULT 'active', "expires_at" TIMESTAMP WITH TIME ZONE, "label" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3205827ddeba686ca645758164a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "id_tags_org_idx" ON "id_tags" ("organization_id", "created_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "id_tags_org_value_uq" ON "id_tags" ("organization_id", "value_normalized") `,
    );
    await queryRunner.query(
      `CREATE TABLE "meter_values" ("id" BIGSERIAL NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "session_id" character varying(40), "evse_number" integer, "connector_number" integer, "sampled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "measurand" character varying(64) NOT NULL, "phase" character varying(16), "location" character varying(16), "context" character varying(32), "unit" character varying(16), "value" numeric(24,6) NOT NULL, "raw_value" character varying(64) NOT NULL, "dedup_key" character varying(300) NOT NULL, CONSTRAINT "PK_bd7474610e3831250fb1740602d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "meter_values_session_idx" ON "meter_values" ("session_id", "sampled_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "meter_values_dedup_uq" ON "meter_values" ("charge_point_id", "dedup_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ocpp_messages" ("id" BIGSERIAL NOT NULL, "charge_point_id" character varying(48) NOT NULL, "direction" character varying(3) NOT NULL, "message_type" smallint, "message_id" character varying(64), "action" character varying(64), "frame" text NOT NULL, "gateway_node" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_823471a1a3f0a9484a8dacd5a33" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ocpp_messages_cp_idx" ON "ocpp_messages" ("charge_point_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "status_history" ("id" BIGSERIAL NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "evse_number" integer, "connector_number" integer, "status" character varying(24) NOT NULL, "error_code" character varying(50), "info" character varying(50), "vendor_error_code" character varying(50), "charger_timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_271a5228edb4eeb41bc01d58fac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "status_history_cp_idx" ON "status_history" ("charge_point_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "transaction_events" ("id" BIGSERIAL NOT NULL, "charge_point_id" character varying(48) NOT NULL, "transaction_id" character varying(64) NOT NULL, "seq_no" integer NOT NULL, "session_id" character varying(40) NOT NULL, "event_type" character varying(16) NOT NULL, "trigger_reason" character varying(40) NOT NULL, "offline" boolean NOT NULL DEFAULT false, "charger_timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "payload" jsonb NOT NULL, CONSTRAINT "PK_e0b1cdc84612e5aebf6e6273ff4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "transaction_events_seq_uq" ON "transaction_events" ("charge_point_id", "transaction_id", "seq_no") `,
    );
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "status" character varying(24)`);
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "status_error_code" character varying(50)`);
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "status_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "last_connected_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "charge_points" ADD "last_disconnected_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "charge_points" ADD "password_updated_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" ADD CONSTRAINT "FK_a1f38e67d672277eec9b9537c91" FOREIGN KEY ("charge_point_id") REFERENCES "charge_points"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "connectors" ADD CONSTRAINT "FK_a96ff5e736cee8e474484eb9684" FOREIGN KEY ("charge_point_id") REFERENCES "charge_points"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "evses" ADD CONSTRAINT "FK_3233c88e1e4a3f23ee13a9cd7ab" FOREIGN KEY ("charge_point_id") REFERENCES "charge_points"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "id_tags" ADD CONSTRAINT "FK_a0c3cd679f84431a1103968bcec" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Hand-written: the 1.6 transaction id sequence and partial/expression indexes TypeORM cannot express.
    await queryRunner.query(
      `CREATE SEQUENCE "ocpp_transaction_id_seq" AS integer START WITH 1 MAXVALUE 2147483647`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "charging_sessions_ocpp_tx_uq" ON "charging_sessions" ("ocpp_transaction_id") WHERE "ocpp_transaction_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "charging_sessions_v16_start_uq" ON "charging_sessions" ("charge_point_id", "evse_number", "id_tag", "started_at") WHERE "ocpp_transaction_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "charging_sessions_active_tag_idx" ON "charging_sessions" ("organization_id", lower("id_tag")) WHERE "status" = 'active'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "id_tags" DROP CONSTRAINT "FK_a0c3cd679f84431a1103968bcec"`);
    await queryRunner.query(`ALTER TABLE "evses" DROP CONSTRAINT "FK_3233c88e1e4a3f23ee13a9cd7ab"`);
    await queryRunner.query(`ALTER TABLE "connectors" DROP CONSTRAINT "FK_a96ff5e736cee8e474484eb9684"`);
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" DROP CONSTRAINT "FK_a1f38e67d672277eec9b9537c91"`,
    );
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_active_tag_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_v16_start_uq"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_ocpp_tx_uq"`);
    await queryRunner.query(`DROP SEQUENCE "ocpp_transaction_id_seq"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "password_updated_at"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "last_disconnected_at"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "last_connected_at"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "status_at"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "status_error_code"`);
    await queryRunner.query(`ALTER TABLE "charge_points" DROP COLUMN "status"`);
    await queryRunner.query(`DROP INDEX "public"."transaction_events_seq_uq"`);
    await queryRunner.query(`DROP TABLE "transaction_events"`);
    await queryRunner.query(`DROP INDEX "public"."status_history_cp_idx"`);
    await queryRunner.query(`DROP TABLE "status_history"`);
    await queryRunner.query(`DROP INDEX "public"."ocpp_messages_cp_idx"`);
    await queryRunner.query(`DROP TABLE "ocpp_messages"`);
    await queryRunner.query(`DROP INDEX "public"."meter_values_dedup_uq"`);
    await queryRunner.query(`DROP INDEX "public"."meter_values_session_idx"`);
    await queryRunner.query(`DROP TABLE "meter_values"`);
    await queryRunner.query(`DROP INDEX "public"."id_tags_org_value_uq"`);
    await queryRunner.query(`DROP INDEX "public"."id_tags_org_idx"`);
    await queryRunner.query(`DROP TABLE "id_tags"`);
    await queryRunner.query(`DROP INDEX "public"."evses_cp_number_uq"`);
    await queryRunner.query(`DROP TABLE "evses"`);
    await queryRunner.query(`DROP INDEX "public"."connectors_cp_evse_number_uq"`);
    await queryRunner.query(`DROP TABLE "connectors"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_cp_tx_uq"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."charging_sessions_cp_idx"`);
    await queryRunner.query(`DROP TABLE "charging_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."charge_point_events_cp_idx"`);
    await queryRunner.query(`DROP TABLE "charge_point_events"`);
  }
}
