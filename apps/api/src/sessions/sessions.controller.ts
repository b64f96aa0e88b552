import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import { CostBreakdownView } from './dto/session-cost.dto';
import {
  MeterValueListView,
  SessionDetailView,
  SessionStatsQueryDto,
  SessionStatsView,
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

  @Get('stats')
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({
    summary: "Sessions, energy and revenue per day (organization's timezone) or per charge point",
  })
  @ApiOkResponse({ type: SessionStatsView })
  stats(@Auth() auth: AuthContext, @Query() query: SessionStatsQueryDto): Promise<SessionStatsView> {
    return this.sessions.stats(auth, query);
  }

  @Get(':session_id')
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({ summary: 'Get a charging session with its meter readings, cost and anomaly flags' })
  @ApiOkResponse({ type: SessionDetailView })
  get(@Auth() auth: AuthContext, @Param('session_id') id: string): Promise<SessionDetailView> {
    return this.sessions.get(auth, id);
  }

  @Get(':session_id/cost-breakdown')
  @Authenticated({ permission: 'sessions.read' })
  @ApiOperation({ summary: "A session's itemised cost (a live estimate while it is open)" })
  @ApiOkResponse({ type: CostBreakdownView })
  costBreakdown(@Auth() auth: AuthContext, @Param('session_id') id: string): Promise<CostBreakdownView> {
    return this.sessions.costBreakdown(auth, id);
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
