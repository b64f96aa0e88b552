import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated, Public } from '@csms/auth';
import { Page } from '@csms/common';
import {
  AcceptDriverInvitationDto,
  AcceptedDriverInvitationView,
  CreateDriverDto,
  DriverListQueryDto,
  DriverListView,
  DriverView,
  UpdateDriverDto,
} from './dto/driver.dto';
import { DriversService } from './drivers.service';

@ApiTags('drivers')
@Controller('api/v1/drivers')
export class DriversController {
  constructor(private readonly drivers: DriversService) {}

  @Post('invitations/accept')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: "Accept a driver invitation: set the password with the link's token" })
  @ApiOkResponse({ type: AcceptedDriverInvitationView })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  @ApiConflictResponse({ description: '`invitation_already_used`' })
  @ApiGoneResponse({ description: '`invitation_expired`' })
  accept(@Body() dto: AcceptDriverInvitationDto): Promise<AcceptedDriverInvitationView> {
    return this.drivers.accept(dto);
  }

  @Post()
  @Authenticated({ permission: 'drivers.write' })
  @ApiOperation({ summary: 'Create a driver and email them an invitation to set a password' })
  @ApiCreatedResponse({ type: DriverView })
  @ApiConflictResponse({ description: '`email_taken`' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateDriverDto): Promise<DriverView> {
    return this.drivers.create(auth, dto);
  }

  @Get()
  @Authenticated({ permission: 'drivers.read' })
  @ApiOperation({ summary: 'List the drivers of the organization' })
  @ApiOkResponse({ type: DriverListView })
  list(@Auth() auth: AuthContext, @Query() query: DriverListQueryDto): Promise<Page<DriverView>> {
    return this.drivers.list(auth, query);
  }

  @Get(':driver_id')
  @Authenticated({ permission: 'drivers.read' })
  @ApiOperation({ summary: 'Get a driver with the ids of their id tags' })
  @ApiOkResponse({ type: DriverView })
  get(@Auth() auth: AuthContext, @Param('driver_id') id: string): Promise<DriverView> {
    return this.drivers.get(auth, id);
  }

  @Patch(':driver_id')
  @Authenticated({ permission: 'drivers.write' })
  @ApiOperation({ summary: 'Rename a driver, or disable / re-enable their portal access' })
  @ApiOkResponse({ type: DriverView })
  @ApiConflictResponse({ description: '`driver_not_activated`: status of a driver still invited' })
  update(
    @Auth() auth: AuthContext,
    @Param('driver_id') id: string,
    @Body() dto: UpdateDriverDto,
  ): Promise<DriverView> {
    return this.drivers.update(auth, id, dto);
  }

  @Post(':driver_id/resend-invitation')
  @HttpCode(200)
  @Authenticated({ permission: 'drivers.write' })
  @ApiOperation({ summary: 'Send the invitation again with a new link and expiry' })
  @ApiOkResponse({ type: DriverView })
  @ApiConflictResponse({ description: '`invitation_already_used`' })
  resend(@Auth() auth: AuthContext, @Param('driver_id') id: string): Promise<DriverView> {
    return this.drivers.resendInvitation(auth, id);
  }
}
