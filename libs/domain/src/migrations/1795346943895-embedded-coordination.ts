import { MigrationInterface, QueryRunner } from 'typeorm';

export class EmbeddedCoordination1795346943895 implements MigrationInterface {
  name = 'EmbeddedCoordination1795346943895';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "gateway_nodes" ("node_id" character varying(100) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e910f0e308676e087d0fd496a36" PRIMARY KEY ("node_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "charger_connections" ("charge_point_id" character varying(48) NOT NULL, "node_id" character varying(100) NOT NULL, CONSTRAINT "PK_47c9e11f140482fe9a89ed16000" PRIMARY KEY ("charge_point_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "charger_connections_node_idx" ON "charger_connections" ("node_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "expiring_counters" ("key" character varying(200) NOT NULL, "count" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ef9dd6d435b6323f31b46bd55d6" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "leases" ("name" character varying(200) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8f564523b661f9e2648c3377687" PRIMARY KEY ("name"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "leases"`);
    await queryRunner.query(`DROP TABLE "expiring_counters"`);
    await queryRunner.query(`DROP INDEX "public"."charger_connections_node_idx"`);
    await queryRunner.query(`DROP TABLE "charger_connections"`);
    await queryRunner.query(`DROP TABLE "gateway_nodes"`);
  }
}
