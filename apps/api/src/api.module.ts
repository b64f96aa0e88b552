import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
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
import { AuthModule } from '@csms/auth';
import { QueuesModule } from '@csms/queues';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { ChargePointsModule } from './charge-points/charge-points.module';
import { CommandsModule } from './commands/commands.module';
import { HealthController } from './health/health.controller';
import { IdTagsModule } from './id-tags/id-tags.module';
import { IdentityModule } from './identity/identity.module';
import { InvitationsModule } from './invitations/invitations.module';
import { ManagementModule } from './management/management.module';
import { MembersModule } from './members/members.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { ProjectsModule } from './projects/projects.module';
import { SiteOwnersModule } from './site-owners/site-owners.module';
import { RateLimitGuard, RateLimiter } from './http/rate-limit.guard';
import { ReservationsModule } from './reservations/reservations.module';
import { SessionsModule } from './sessions/sessions.module';
import { TariffsModule } from './tariffs/tariffs.module';
import { DisputesModule } from './disputes/disputes.module';
import { DriversModule } from './drivers/drivers.module';
import { PortalModule } from './portal/portal.module';

/** Each SQL statement of the api gets 80% of the request timeout: cancelled and rolled back in time to answer. */
export function statementTimeoutOf(config: AppConfig): number {
  return Math.max(50, Math.floor(config.api.requestTimeoutMs * 0.8));
}

export interface ApiModuleOptions {
  env?: Env;
  config?: AppConfig;
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions = {}): DynamicModule {
    const config = options.config ?? loadConfig({ ...process.env, ...options.env });
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot({ config }),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => loggerParams(config, 'api'),
        }),
        DomainModule.forRoot({ statementTimeoutMs: statementTimeoutOf }),
        QueuesModule.forRoot('api', config.mode),
        AuthModule,
        HealthModule,
        OrganizationsModule,
        IdentityModule,
        ApiKeysModule,
        AuditModule,
        MembersModule,
        InvitationsModule,
        NotificationsModule,
        ManagementModule,
        ProjectsModule,
        SiteOwnersModule,
        ChargePointsModule,
        IdTagsModule,
        SessionsModule,
        CommandsModule,
        ReservationsModule,
        TariffsModule,
        DriversModule,
        DisputesModule,
        PortalModule,
      ],
      controllers: [HealthController],
      providers: [RateLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
    };
  }
}
