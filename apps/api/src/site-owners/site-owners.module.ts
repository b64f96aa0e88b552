import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { NotificationsQueueModule } from '@csms/queues';
import { AuditModule } from '../audit/audit.module';
import { IdentityModule } from '../identity/identity.module';
import { ProjectsModule } from '../projects/projects.module';
import { SiteOwnerController } from './site-owner.controller';
import { SiteOwnerInvitationsService } from './site-owner-invitations.service';
import { SiteOwnersController } from './site-owners.controller';
import { SiteOwnersService } from './site-owners.service';
import { UploadErrorsInterceptor } from './upload-errors.interceptor';

@Module({
  imports: [
    AuditModule,
    IdentityModule,
    ProjectsModule,
    NotificationsQueueModule,
    // In memory (the type is checked before anything is written), one file, at most the configured size.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.siteOwners.documentMaxBytes, files: 1, fields: 5, parts: 6 },
      }),
    }),
  ],
  controllers: [SiteOwnersController, SiteOwnerController],
  providers: [SiteOwnersService, SiteOwnerInvitationsService, UploadErrorsInterceptor],
})
export class SiteOwnersModule {}
