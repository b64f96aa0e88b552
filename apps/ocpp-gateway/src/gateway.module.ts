import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import {
  APP_CONFIG,
  AppConfig,
  AppConfigModule,
  Env,
  HealthModule,
  loadConfig,
  loggerParams,
} from '@csms/common';
import { DomainModule } from '@csms/domain';
import { CommandDispatcher, QueuesModule } from '@csms/queues';
import { CHARGER_CONNECTIONS } from './commands/charger-connections';
import { CommandWorkerService } from './commands/command-worker.service';
import { HealthController } from './health/health.controller';
import { GatewayChargerConnections } from './commands/gateway-charger-connections';
import { OcppModule } from './ocpp/ocpp.module';

export interface GatewayModuleOptions {
  env?: Env;
  config?: AppConfig;
}

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions = {}): DynamicModule {
    const config = options.config ?? loadConfig({ ...process.env, ...options.env });
    return {
      module: GatewayModule,
      imports: [
        AppConfigModule.forRoot({ config }),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          // The gateway's one HTTP route is its health check, which is not logged. Binding nestjs-pino's
          // request context to it would switch on Node's async context tracking (AsyncLocalStorage) for
          // the rest of the process, a hook on every promise of every OCPP message after the first probe.
          useFactory: (config: AppConfig) => ({
            ...loggerParams(config, 'ocpp-gateway'),
            exclude: [{ method: RequestMethod.ALL, path: 'health' }],
          }),
        }),
        DomainModule.forRoot(),
        QueuesModule.forRoot('ocpp-gateway', config.mode),
        HealthModule,
        OcppModule,
      ],
      controllers: [HealthController],
      providers: [
        GatewayChargerConnections,
        { provide: CHARGER_CONNECTIONS, useExisting: GatewayChargerConnections },
        CommandDispatcher,
        CommandWorkerService,
      ],
    };
  }
}
