import { Module } from '@nestjs/common';
import { BillingQueueModule } from '@csms/queues';
import { CommandsModule } from '../commands/commands.module';
import { BillingProcessor } from './billing.processor';
import { IdleSessionsService } from './idle-sessions.service';
import { SessionPricingService } from './session-pricing.service';

/** Session pricing (stored at the end, estimated while open) and the idle-session stop. */
@Module({
  imports: [BillingQueueModule, CommandsModule],
  providers: [SessionPricingService, IdleSessionsService, BillingProcessor],
  exports: [SessionPricingService, IdleSessionsService],
})
export class BillingModule {}
