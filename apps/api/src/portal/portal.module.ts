import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { DisputesModule } from '../disputes/disputes.module';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

@Module({
  imports: [BillingModule, DisputesModule],
  controllers: [PortalController],
  providers: [PortalService],
})
export class PortalModule {}
