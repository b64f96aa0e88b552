import { MigrationInterface, QueryRunner } from 'typeorm';

/** The samples the session recompute reads: a set's billing register reading (see the entity). */
const REGISTER = `measurand = 'Energy.Active.Import.Register' AND phase IS NULL AND (location IS NULL OR location = 'Outlet')`;

/**
 * Meter values are stored as one row per sampled-value set (`meter_value_sets`, the values of one
 * sampling time as parallel arrays) instead of one row per value: a MeterValues message of ten values is
 * one row and four index entries instead of ten rows and 31 index entries.
 *
 * Hand-written parts: the stored values are moved into sets, one per charge point, session, EVSE,
 * connector, sampling time and receipt time (a message's values share their receipt time), in the order
 * they were stored. A set's dedup key is computed the way the gateway now computes it, the MD5 of its
 * values' dedup keys joined by commas, so a message stored before the change and retried after it is
 * still recognised. The indexes are built after the copy; `meter_value_sets_register_idx` uses INCLUDE,
 * which TypeORM cannot express. The copy runs under the migration's lock of `meter_values`: a large
 * table needs a maintenance window. `down` splits the sets into values again, with dedup keys the
 * previous code does not compute (the MD5 of the set's key and the value's position).
 */
export class MeterValueSets1795381945667 implements MigrationInterface {
  name = 'MeterValueSets1795381945667';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "meter_value_sets" ("id" BIGSERIAL NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "session_id" character varying(40), "evse_number" integer, "connector_number" integer, "sampled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "dedup_key" uuid NOT NULL, "register_wh" numeric(24,6), "register_context" character varying(32), "measurands" text array NOT NULL, "phases" text array NOT NULL, "locations" text array NOT NULL, "contexts" text array NOT NULL, "units" text array NOT NULL, "values" numeric array NOT NULL, "raw_values" text array NOT NULL, CONSTRAINT "PK_7d614c0abe2bacd6140b9881a4e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "meter_value_sets" ("organization_id", "charge_point_id", "session_id", "evse_number",
         "connector_number", "sampled_at", "received_at", "dedup_key", "register_wh", "register_context",
         "measurands", "phases", "locations", "contexts", "units", "values", "raw_values")
       SELECT organization_id, charge_point_id, session_id, evse_number, connector_number, sampled_at,
         received_at, md5(string_agg(replace(dedup_key::text, '-', ''), ',' ORDER BY id))::uuid,
         (array_agg(value ORDER BY id) FILTER (WHERE ${REGISTER}))[1],
         (array_agg(context ORDER BY id) FILTER (WHERE ${REGISTER}))[1],
         array_agg(measurand ORDER BY id), array_agg(phase ORDER BY id), array_agg(location ORDER BY id),
         array_agg(context ORDER BY id), array_agg(unit ORDER BY id), array_agg(value ORDER BY id),
         array_agg(raw_value ORDER BY id)
       FROM "meter_values"
       GROUP BY organization_id, charge_point_id, session_id, evse_number, connector_number, sampled_at,
         received_at
       ORDER BY min(id)`,
    );
    await queryRunner.query(`DROP TABLE "meter_values"`);
    await queryRunner.query(
      `CREATE INDEX "meter_value_sets_session_idx" ON "meter_value_sets" ("session_id", "sampled_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "meter_value_sets_dedup_uq" ON "meter_value_sets" ("charge_point_id", "sampled_at", "dedup_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "meter_value_sets_register_idx" ON "meter_value_sets" ("session_id", "sampled_at", "id") INCLUDE ("register_wh", "register_context") WHERE register_wh IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "meter_values" ("id" BIGSERIAL NOT NULL, "organization_id" character varying(40) NOT NULL, "charge_point_id" character varying(48) NOT NULL, "session_id" character varying(40), "evse_number" integer, "connector_number" integer, "sampled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "measurand" character varying(64) NOT NULL, "phase" character varying(16), "location" character varying(16), "context" character varying(32), "unit" character varying(16), "value" numeric(24,6) NOT NULL, "raw_value" character varying(64) NOT NULL, "dedup_key" uuid NOT NULL, CONSTRAINT "PK_bd7474610e3831250fb1740602d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "meter_values" ("organization_id", "charge_point_id", "session_id", "evse_number",
         "connector_number", "sampled_at", "received_at", "measurand", "phase", "location", "context",
         "unit", "value", "raw_value", "dedup_key")
       SELECT s.organization_id, s.charge_point_id, s.session_id, s.evse_number, s.connector_number,
         s.sampled_at, s.received_at, v.measurand, v.phase, v.location, v.context, v.unit, v.value,
         v.raw_value, md5(s.dedup_key::text || '|' || v.n)::uuid
       FROM "meter_value_sets" s
       CROSS JOIN LATERAL unnest(s.measurands, s.phases, s.locations, s.contexts, s.units, s.values,
         s.raw_values) WITH ORDINALITY AS v(measurand, phase, location, context, unit, value, raw_value, n)
       ORDER BY s.id, v.n`,
    );
    await queryRunner.query(`DROP TABLE "meter_value_sets"`);
    await queryRunner.query(
      `CREATE INDEX "meter_values_session_idx" ON "meter_values" ("session_id", "sampled_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "meter_values_dedup_uq" ON "meter_values" ("charge_point_id", "sampled_at", "dedup_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "meter_values_register_idx" ON "meter_values" ("session_id", "sampled_at", "id") INCLUDE ("value", "context") WHERE ${REGISTER}`,
    );
  }
}
