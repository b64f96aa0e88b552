import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { dataSourceOptions } from './data-source';
import { ENTITIES } from './entities';
import { withoutPreparedStatements } from './prepared';

export interface DomainModuleOptions {
  /**
   * PostgreSQL `statement_timeout` of every connection of the pool (external database only): the api
   * bounds each statement below its request timeout, so a write blocked on a lock is cancelled and
   * rolled back before the request's answer is due.
   */
  statementTimeoutMs?: (config: AppConfig) => number;
}

/** The TypeORM connection for an app, configured from APP_CONFIG. */
@Module({})
export class DomainModule {
  static forRoot(options: DomainModuleOptions = {}): DynamicModule {
    let embedded = false;
    return {
      module: DomainModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            embedded = config.mode !== 'external';
            return {
              ...dataSourceOptions(config.database.url),
              poolSize: config.database.poolSize,
              logging: config.database.logQueries ? ['query', 'error'] : false,
              retryAttempts: 3,
              retryDelay: 1000,
              ...(config.mode === 'external'
                ? {
                    extra: {
                      // No JIT compilation: the apps run short statements, often. One whose estimated
                      // cost passes jit_above_cost (a batch of 1,000 MeterValues read against stale
                      // statistics) spent 200 ms and more compiling itself, more than it took to run.
                      options: '-c jit=off',
                      ...(options.statementTimeoutMs
                        ? { statement_timeout: options.statementTimeoutMs(config) }
                        : {}),
                    },
                  }
                : {}),
            };
          },
          // Embedded mode's connections share PGlite's one session, where a statement prepared by one
          // connection is already there for the others: its statements all run unnamed.
          dataSourceFactory: async (resolved?: DataSourceOptions) => {
            const db = new DataSource(resolved!);
            return embedded ? withoutPreparedStatements(db) : db;
          },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      exports: [TypeOrmModule],
    };
  }
}
