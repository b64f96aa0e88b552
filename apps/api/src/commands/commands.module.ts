import { Module } from '@nestjs/common';
import { CommandDispatcher } from '@csms/queues';
import { CommandsController } from './commands.controller';
import { CommandsMaintenanceService } from './commands-maintenance.service';
import { CommandsService } from './commands.service';
import { NoSessionTransactions, SESSION_TRANSACTIONS } from './session-transactions';

@Module({
  controllers: [CommandsController],
  providers: [
    CommandsService,
    CommandsMaintenanceService,
    CommandDispatcher,
    // Replaced by the sessions module's lookup once sessions exist.
    { provide: SESSION_TRANSACTIONS, useClass: NoSessionTransactions },
  ],
  exports: [CommandsService, CommandsMaintenanceService],
})
export class CommandsModule {}
