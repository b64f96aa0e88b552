import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message log keyed by charger: primary key (charge_point_id, id) instead of (id) plus the index
 * (charge_point_id, id). Every read of the log (a charger's frames, newest first, and the pruning) goes
 * by charger, so one index serves them all, and each logged frame, about 7,000 a second with 10,000
 * chargers, costs one index entry instead of two. `id` stays drawn from its sequence, so it still orders
 * a charger's frames. The table is bounded (500 frames per charger), so building the new key takes
 * seconds, during which the gateway's log writes wait.
 */
export class MessageLogKey1795430000000 implements MigrationInterface {
  name = 'MessageLogKey1795430000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ocpp_messages" DROP CONSTRAINT "PK_823471a1a3f0a9484a8dacd5a33"`);
    await queryRunner.query(`DROP INDEX "ocpp_messages_cp_idx"`);
    await queryRunner.query(
      `ALTER TABLE "ocpp_messages" ADD CONSTRAINT "ocpp_messages_pkey" PRIMARY KEY ("charge_point_id", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ocpp_messages" DROP CONSTRAINT "ocpp_messages_pkey"`);
    await queryRunner.query(
      `ALTER TABLE "ocpp_messages" ADD CONSTRAINT "PK_823471a1a3f0a9484a8dacd5a33" PRIMARY KEY ("id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ocpp_messages_cp_idx" ON "ocpp_messages" ("charge_point_id", "id")`,
    );
  }
}
