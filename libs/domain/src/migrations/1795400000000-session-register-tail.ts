import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `charging_sessions.register_tail_at`: the time of a session's latest billing register reading while
 * none of its readings is a Transaction.End one (NULL otherwise, and for sessions stored before, until
 * their next reading recomputes them). With it the gateway updates a session from a message's new
 * readings alone when they extend it, instead of reading all of its stored readings again.
 */
export class SessionRegisterTail1795400000000 implements MigrationInterface {
  name = 'SessionRegisterTail1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "charging_sessions" ADD "register_tail_at" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "charging_sessions" DROP COLUMN "register_tail_at"`);
  }
}
