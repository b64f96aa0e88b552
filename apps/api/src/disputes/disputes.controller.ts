import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page } from '@csms/common';
import { DisputeListQueryDto, DisputeListView, DisputeView, ResolveDisputeDto } from './dto/dispute.dto';
import { DisputesService } from './disputes.service';

@ApiTags('disputes')
@Controller('api/v1/disputes')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Get()
  @Authenticated({ permission: 'disputes.read' })
  @ApiOperation({ summary: "List drivers' billing disputes, newest first" })
  @ApiOkResponse({ type: DisputeListView })
  list(@Auth() auth: AuthContext, @Query() query: DisputeListQueryDto): Promise<Page<DisputeView>> {
    return this.disputes.list(auth, query);
  }

  @Post(':dispute_id/resolve')
  @HttpCode(200)
  @Authenticated({ permission: 'disputes.manage' })
  @ApiOperation({ summary: 'Accept or reject a dispute; the driver is emailed the outcome' })
  @ApiOkResponse({ type: DisputeView })
  @ApiConflictResponse({ description: '`dispute_resolved`: not open any more' })
  resolve(
    @Auth() auth: AuthContext,
    @Param('dispute_id') id: string,
    @Body() dto: ResolveDisputeDto,
  ): Promise<DisputeView> {
    return this.disputes.resolve(auth, id, dto);
  }
}
