import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose rows the gateway updates many times over: sessions, charge points and connectors. */
const TABLES = ['charging_sessions', 'charge_points', 'connectors'];

/**
 * Room on each page of the tables the gateway updates all the time (a session at every MeterValues, a
 * charge point and a connector at every status or heartbeat flush): with pages filled to 80 %, the new
 * version of a row fits on its own page, so the update is a heap-only one and none of the table's
 * indexes (ten on `charging_sessions`) gets a new entry. Pages already full take the setting as they
 * are rewritten; new pages take it at once.
 */
export class HotUpdateRoom1795410000000 implements MigrationInterface {
  name = 'HotUpdateRoom1795410000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE "${table}" SET (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE "${table}" RESET (fillfactor)`);
  }
}
