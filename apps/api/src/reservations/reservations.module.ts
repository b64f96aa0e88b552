import { Module } from '@nestjs/common';
import { ReservationsQueueModule } from '@csms/queues';
import { CommandsModule } from '../commands/commands.module';
import { DriverAwareIdTags } from '../drivers/driver-id-tags';
import { RESERVATION_ID_TAGS } from './reservation-id-tags';
import { ReservationsController } from './reservations.controller';
import { ReservationsMaintenanceService } from './reservations-maintenance.service';
import { ReservationsProcessor } from './reservations.processor';
import { ReservationsService } from './reservations.service';

@Module({
  imports: [CommandsModule, ReservationsQueueModule],
  controllers: [ReservationsController],
  providers: [
    ReservationsService,
    ReservationsProcessor,
    ReservationsMaintenanceService,
    { provide: RESERVATION_ID_TAGS, useClass: DriverAwareIdTags },
  ],
  exports: [ReservationsService, ReservationsMaintenanceService],
})
export class ReservationsModule {}
