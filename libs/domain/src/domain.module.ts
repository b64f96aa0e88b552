import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { dataSourceOptions } from './data-source';
import { ENTITIES } from './entities';

export interface DomainModuleOptions {
  /**
   * PostgreSQL `statement_timeout` of every connection of the pool (external database only): the api
   * bounds each statement below its request timeout, so a write blocked on a lock is cancelled and
   * rolled back before the request's answer is due.
   */
  statementTimeoutMs?: (config: AppConfig) => number;
  /**
   * Named prepared statements are planned for their parameters on every execution
   * (`plan_cache_mode = force_custom_plan`, external database only), never with a generic plan cached by
   * the connection: a generic plan is made once per connection, from the table sizes of that moment
   * (a fresh database's near-empty tables favour sequential scans), and without autovacuum nothing would
   * ever replace it. Parsing is still done once per connection.
   */
  customPlans?: boolean;
}

/** Settings of every connection of the pool (node-postgres client options). */
function connectionSettings(options: DomainModuleOptions, config: AppConfig): Record<string, unknown> {
  return {
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs(config) } : {}),
    ...(options.customPlans ? { options: '-c plan_cache_mode=force_custom_plan' } : {}),
  };
}

/** The TypeORM connection for an app, configured from APP_CONFIG. */
@Module({})
export class DomainModule {
  static forRoot(options: DomainModuleOptions = {}): DynamicModule {
    return {
      module: DomainModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database.url),
            poolSize: config.database.poolSize,
            logging: config.database.logQueries ? ['query', 'error'] : false,
            retryAttempts: 3,
            retryDelay: 1000,
            ...(config.mode === 'external' ? { extra: connectionSettings(options, config) } : {}),
          }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      exports: [TypeOrmModule],
    };
  }
}
