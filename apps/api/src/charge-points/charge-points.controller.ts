import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import { ChargePointsService } from './charge-points.service';
import {
  ChargerEventListView,
  ChargerEventQueryDto,
  ChargerEventView,
  ChargePointListQueryDto,
  ChargePointListView,
  ChargePointStatusView,
  ChargePointView,
  CreateChargePointDto,
  OcppMessageListView,
  OcppMessageView,
  PasswordView,
  SetPasswordDto,
  StatusHistoryEntryView,
  StatusHistoryListView,
  StatusHistoryQueryDto,
  UpdateChargePointDto,
} from './dto/charge-point.dto';

@ApiTags('charge-points')
@Controller('api/v1/charge-points')
export class ChargePointsController {
  constructor(private readonly chargePoints: ChargePointsService) {}

  @Post()
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Register a charge point under its OCPP identity' })
  @ApiCreatedResponse({ type: ChargePointView })
  @ApiConflictResponse({ description: '`charge_point_exists`: the identity is taken' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateChargePointDto): Promise<ChargePointView> {
    return this.chargePoints.create(auth, dto);
  }

  @Get()
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'List the charge points of the organization, with live connection state' })
  @ApiOkResponse({ type: ChargePointListView })
  list(@Auth() auth: AuthContext, @Query() query: ChargePointListQueryDto): Promise<Page<ChargePointView>> {
    return this.chargePoints.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Get a charge point' })
  @ApiOkResponse({ type: ChargePointView })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ChargePointView> {
    return this.chargePoints.get(auth, id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'charge_points.write' })
  @ApiOperation({ summary: 'Update a charge point (accepting a Pending charger triggers its boot)' })
  @ApiOkResponse({ type: ChargePointView })
  update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() dto: UpdateChargePointDto,
  ): Promise<ChargePointView> {
    return this.chargePoints.update(auth, id, dto);
  }

  @Delete(':id')
  @Authenticated({ permission: 'charge_points.write' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Decommission a charge point: refused at the handshake, its history stays' })
  @ApiNoContentResponse({ description: 'Decommissioned' })
  async decommission(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.chargePoints.decommission(auth, id);
  }

  @Post(':id/password')
  @Authenticated({ permission: 'charge_points.write' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Set or generate the charger password (HTTP Basic, security profile 1/2)' })
  @ApiOkResponse({ type: PasswordView })
  setPassword(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() dto: SetPasswordDto,
  ): Promise<PasswordView> {
    return this.chargePoints.setPassword(auth, id, dto);
  }

  @Get(':id/status')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Connection state and per-connector status of a charge point' })
  @ApiOkResponse({ type: ChargePointStatusView })
  status(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ChargePointStatusView> {
    return this.chargePoints.status(auth, id);
  }

  @Get(':id/status-history')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Statuses the charger reported, newest first' })
  @ApiOkResponse({ type: StatusHistoryListView })
  statusHistory(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: StatusHistoryQueryDto,
  ): Promise<Page<StatusHistoryEntryView>> {
    return this.chargePoints.statusHistory(auth, id, query);
  }

  @Get(':id/events')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({
    summary: 'Reports the charger sent (firmware, diagnostics, logs, security events, NotifyReport, ...)',
  })
  @ApiOkResponse({ type: ChargerEventListView })
  events(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: ChargerEventQueryDto,
  ): Promise<Page<ChargerEventView>> {
    return this.chargePoints.events(auth, id, query);
  }

  @Get(':id/messages')
  @Authenticated({ permission: 'charge_points.read' })
  @ApiOperation({ summary: 'Recent OCPP messages in and out of the charger, newest first (bounded log)' })
  @ApiOkResponse({ type: OcppMessageListView })
  messages(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<OcppMessageView>> {
    return this.chargePoints.messages(auth, id, query);
  }
}
