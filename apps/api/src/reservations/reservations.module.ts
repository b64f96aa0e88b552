import { Module } from '@nestjs/common';
import { ReservationsQueueModule } from '@csms/queues';
import { CommandsModule } from '../commands/commands.module';
import { RESERVATION_ID_TAGS, RegisteredIdTags } from './reservation-id-tags';
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
    { provide: RESERVATION_ID_TAGS, useClass: RegisteredIdTags },
  ],
  exports: [ReservationsService, ReservationsMaintenanceService],
})
export class ReservationsModule {}
