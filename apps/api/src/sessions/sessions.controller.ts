import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import {
  MeterValueListView,
  MeterValueView,
  SessionListQueryDto,
  SessionListView,
  SessionView,
} from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({ summary: 'List charging sessions, newest first' })
  @ApiOkResponse({ type: SessionListView })
  list(@Auth() auth: AuthContext, @Query() query: SessionListQueryDto): Promise<Page<SessionView>> {
    return this.sessions.list(auth, query);
  }

  @Get(':session_id')
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({ summary: 'Get a charging session with its meter readings and anomaly flags' })
  @ApiOkResponse({ type: SessionView })
  get(@Auth() auth: AuthContext, @Param('session_id') id: string): Promise<SessionView> {
    return this.sessions.get(auth, id);
  }

  @Get(':session_id/meter-values')
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({ summary: "A session's sampled meter values, in the charger's time order" })
  @ApiOkResponse({ type: MeterValueListView })
  meterValues(
    @Auth() auth: AuthContext,
    @Param('session_id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<MeterValueView>> {
    return this.sessions.meterValues(auth, id, query);
  }
}
