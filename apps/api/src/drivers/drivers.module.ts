import { Module } from '@nestjs/common';
import { NotificationsQueueModule } from '@csms/queues';
import { AuditModule } from '../audit/audit.module';
import { IdentityModule } from '../identity/identity.module';
import { DriversController } from './drivers.controller';
import { DriverTagsService, DriversService } from './drivers.service';

@Module({
  imports: [IdentityModule, NotificationsQueueModule, AuditModule],
  controllers: [DriversController],
  providers: [DriversService, DriverTagsService],
  exports: [DriversService, DriverTagsService],
})
export class DriversModule {}
