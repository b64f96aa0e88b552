import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { ProjectsModule } from '../projects/projects.module';
import { ChargePointHooks } from './charge-point-hooks.service';
import { ChargePointsController } from './charge-points.controller';
import { ChargePointsService } from './charge-points.service';
import { EvsesController } from './evses.controller';
import { EvsesService } from './evses.service';

@Module({
  imports: [CommandsModule, ProjectsModule],
  controllers: [ChargePointsController, EvsesController],
  providers: [ChargePointsService, EvsesService, ChargePointHooks],
  exports: [ChargePointsService, ChargePointHooks],
})
export class ChargePointsModule {}
