import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import {
  ConnectorListView,
  ConnectorView,
  CreateConnectorDto,
  CreateEvseDto,
  EvseListView,
  EvseView,
  UpdateConnectorDto,
  UpdateEvseDto,
} from './dto/evse.dto';
import { EvsesService } from './evses.service';
import { ocppNumber } from './ocpp-number.pipe';

@ApiTags('charge-points')
@Controller('api/v1/charge-points/:id/evses')
export class EvsesController {
  constructor(private readonly evses: EvsesService) {}

  @Get()
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'List the EVSEs of a charge point with their connectors' })
  @ApiOkResponse({ type: EvseListView })
  list(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.evses.list(auth, id);
  }

  @Post()
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Add an EVSE (optionally with its connectors)' })
  @ApiCreatedResponse({ type: EvseView })
  @ApiConflictResponse({ description: '`evse_exists`' })
  create(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: CreateEvseDto) {
    return this.evses.create(auth, id, dto);
  }

  @Get(':evse_id')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Get an EVSE' })
  @ApiOkResponse({ type: EvseView })
  get(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
  ) {
    return this.evses.get(auth, id, evse);
  }

  @Patch(':evse_id')
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Update an EVSE' })
  @ApiOkResponse({ type: EvseView })
  update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
    @Body() dto: UpdateEvseDto,
  ) {
    return this.evses.update(auth, id, evse, dto);
  }

  @Delete(':evse_id')
  @Authenticated({ permission: 'charge_points.write' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an EVSE and its connectors' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
  ) {
    await this.evses.remove(auth, id, evse);
  }

  @Get(':evse_id/connectors')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'List the connectors of an EVSE' })
  @ApiOkResponse({ type: ConnectorListView })
  listConnectors(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
  ) {
    return this.evses.listConnectors(auth, id, evse);
  }

  @Post(':evse_id/connectors')
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Add a connector to an EVSE' })
  @ApiCreatedResponse({ type: ConnectorView })
  @ApiConflictResponse({ description: '`connector_exists`' })
  createConnector(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
    @Body() dto: CreateConnectorDto,
  ) {
    return this.evses.createConnector(auth, id, evse, dto);
  }

  @Get(':evse_id/connectors/:connector_id')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Get a connector' })
  @ApiOkResponse({ type: ConnectorView })
  getConnector(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
    @Param('connector_id', ocppNumber('connector_id')) connector: number,
  ) {
    return this.evses.getConnector(auth, id, evse, connector);
  }

  @Patch(':evse_id/connectors/:connector_id')
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Update a connector (type, maximum power)' })
  @ApiOkResponse({ type: ConnectorView })
  updateConnector(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
    @Param('connector_id', ocppNumber('connector_id')) connector: number,
    @Body() dto: UpdateConnectorDto,
  ) {
    return this.evses.updateConnector(auth, id, evse, connector, dto);
  }

  @Delete(':evse_id/connectors/:connector_id')
  @Authenticated({ permission: 'charge_points.write' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a connector' })
  @ApiNoContentResponse({ description: 'Removed' })
  async removeConnector(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('evse_id', ocppNumber('evse_id')) evse: number,
    @Param('connector_id', ocppNumber('connector_id')) connector: number,
  ) {
    await this.evses.removeConnector(auth, id, evse, connector);
  }
}
