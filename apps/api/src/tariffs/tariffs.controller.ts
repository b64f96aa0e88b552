import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import {
  AssignTariffDto,
  ProjectTariffAssignmentView,
  TariffAssignmentView,
  TariffDto,
  TariffListView,
  TariffView,
} from './dto/tariff.dto';
import { TariffsService } from './tariffs.service';

@ApiTags('tariffs')
@Controller('api/v1')
export class TariffsController {
  constructor(private readonly tariffs: TariffsService) {}

  @Post('tariffs')
  @Authenticated({ permission: 'tariffs.write' })
  @ApiOperation({ summary: "Create a tariff in the organization's currency" })
  @ApiCreatedResponse({ type: TariffView })
  create(@Auth() auth: AuthContext, @Body() dto: TariffDto): Promise<TariffView> {
    return this.tariffs.create(auth, dto);
  }

  @Get('tariffs')
  @Authenticated({ permission: 'tariffs.read' })
  @ApiOperation({ summary: 'List the tariffs of the organization' })
  @ApiOkResponse({ type: TariffListView })
  list(@Auth() auth: AuthContext, @Query() query: PageQueryDto): Promise<Page<TariffView>> {
    return this.tariffs.list(auth, query);
  }

  @Get('tariffs/:tariff_id')
  @Authenticated({ permission: 'tariffs.read' })
  @ApiOperation({ summary: 'Get a tariff' })
  @ApiOkResponse({ type: TariffView })
  get(@Auth() auth: AuthContext, @Param('tariff_id') id: string): Promise<TariffView> {
    return this.tariffs.get(auth, id);
  }

  @Put('tariffs/:tariff_id')
  @Authenticated({ permission: 'tariffs.write' })
  @ApiOperation({ summary: 'Replace a tariff (sessions already started keep their copy)' })
  @ApiOkResponse({ type: TariffView })
  replace(
    @Auth() auth: AuthContext,
    @Param('tariff_id') id: string,
    @Body() dto: TariffDto,
  ): Promise<TariffView> {
    return this.tariffs.replace(auth, id, dto);
  }

  @Delete('tariffs/:tariff_id')
  @HttpCode(204)
  @Authenticated({ permission: 'tariffs.write' })
  @ApiOperation({ summary: 'Delete a tariff (its charge points fall back to the default)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Auth() auth: AuthContext, @Param('tariff_id') id: string): Promise<void> {
    await this.tariffs.remove(auth, id);
  }

  @Put('charge-points/:charge_point_id/tariff')
  @Authenticated({ permission: 'tariffs.write' })
  @ApiOperation({ summary: "Assign a tariff to a charge point (null: the organization's default)" })
  @ApiOkResponse({ type: TariffAssignmentView })
  assign(
    @Auth() auth: AuthContext,
    @Param('charge_point_id') chargePointId: string,
    @Body() dto: AssignTariffDto,
  ): Promise<TariffAssignmentView> {
    return this.tariffs.assign(auth, chargePointId, dto.tariff_id);
  }

  @Put('projects/:project_id/tariff')
  @Authenticated({ permission: 'tariffs.write' })
  @ApiOperation({
    summary:
      "Assign a tariff to a project: its charge points without their own use it (null: the organization's default)",
  })
  @ApiOkResponse({ type: ProjectTariffAssignmentView })
  assignToProject(
    @Auth() auth: AuthContext,
    @Param('project_id') projectId: string,
    @Body() dto: AssignTariffDto,
  ): Promise<ProjectTariffAssignmentView> {
    return this.tariffs.assignToProject(auth, projectId, dto.tariff_id);
  }
}
