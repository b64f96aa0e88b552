import { Module } from '@nestjs/common';
import { CommandDispatcher } from '@csms/queues';
import { CommandsController } from './commands.controller';
import { CommandsMaintenanceService } from './commands-maintenance.service';
import { CommandsService } from './commands.service';
import { ChargingSessionTransactions, SESSION_TRANSACTIONS } from './session-transactions';

@Module({
  controllers: [CommandsController],
  providers: [
    CommandsService,
    CommandsMaintenanceService,
    CommandDispatcher,
    { provide: SESSION_TRANSACTIONS, useClass: ChargingSessionTransactions },
  ],
  exports: [CommandsService, CommandsMaintenanceService],
})
export class CommandsModule {}
