import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG, AppConfig } from '@csms/common';

/** A statement of the hot path: its name must be unique and always stand for the same text. */
export interface Statement {
  name: string;
  text: string;
}

/**
 * Runs the gateway's hot statements as named prepared statements: Postgres parses and plans each one
 * once per pool connection (and, after five executions, keeps a generic plan) instead of on every call.
 * In embedded mode every connection shares PGlite's one session, where a name prepared by one
 * connection would collide with another's: there the statements run as plain queries.
 */
@Injectable()
export class PreparedStatements {
  private readonly named: boolean;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.named = config.mode === 'external';
  }

  /** Runs the statement, in the transaction of `manager` when it has one (else on any pool connection). */
  async run<T = unknown>(
    statement: Statement,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<{ rows: T[]; rowCount: number }> {
    const queryRunner = manager?.queryRunner;
    if (!this.named) {
      const runner = queryRunner ?? this.db.createQueryRunner();
      try {
        const result = await runner.query(statement.text, values, true);
        return { rows: (result.records ?? []) as T[], rowCount: result.affected ?? 0 };
      } finally {
        if (!queryRunner) await runner.release();
      }
    }
    if (this.db.options.logging) this.db.logger.logQuery(statement.text, values, queryRunner);
    try {
      const client: Pool | PoolClient = queryRunner
        ? await queryRunner.connect()
        : (this.db.driver as PostgresDriver).master;
      const result: QueryResult = await client.query({ name: statement.name, text: statement.text, values });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      this.db.logger.logQueryError(err as Error, statement.text, values, queryRunner);
      throw new QueryFailedError(statement.text, values, err as Error);
    }
  }
}
