import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, Env, loadConfig } from './config';
import { Clock } from './clock';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Provides the validated configuration (`APP_CONFIG`) and the clock. `overrides` lets one process host
 * several differently configured instances (two gateway nodes in one test).
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(options: { env?: Env; config?: AppConfig } = {}): DynamicModule {
    const config = options.config ?? loadConfig({ ...process.env, ...options.env });
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, Clock],
      exports: [APP_CONFIG, Clock],
    };
  }
}
