import { Module } from '@nestjs/common';
import { NotificationsQueueModule } from '@csms/queues';
import { AuditModule } from '../audit/audit.module';
import { DisputesController } from './disputes.controller';
import { DisputesService } from './disputes.service';

@Module({
  imports: [NotificationsQueueModule, AuditModule],
  controllers: [DisputesController],
  providers: [DisputesService],
  exports: [DisputesService],
})
export class DisputesModule {}
