import { Module } from '@nestjs/common';
import { GatewayControl } from '@csms/queues';
import { CommandsModule } from '../commands/commands.module';
import { ChargePointHooks } from './charge-point-hooks.service';
import { ChargePointsController } from './charge-points.controller';
import { ChargePointsService } from './charge-points.service';
import { EvsesController } from './evses.controller';
import { EvsesService } from './evses.service';

@Module({
  imports: [CommandsModule],
  controllers: [ChargePointsController, EvsesController],
  providers: [ChargePointsService, EvsesService, ChargePointHooks, GatewayControl],
  exports: [ChargePointsService, ChargePointHooks],
})
export class ChargePointsModule {}
