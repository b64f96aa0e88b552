import { Body, Controller, Get, Header, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { DisputeView } from '../disputes/dto/dispute.dto';
import { CostBreakdownView } from '../sessions/dto/session-cost.dto';
import {
  CreateDisputeDto,
  DisputeCreatedView,
  PortalSessionListView,
  PortalSessionsQueryDto,
} from './dto/portal.dto';
import { PortalService } from './portal.service';

class PortalDisputeListView {
  @ApiProperty({ type: [DisputeView] }) data: DisputeView[];
}

@ApiTags('portal')
@Controller('api/v1/portal')
export class PortalController {
  constructor(private readonly portal: PortalService) {}

  @Get('sessions')
  @Authenticated({ drivers: true })
  @ApiOperation({ summary: "The driver's own charging sessions, newest first" })
  @ApiOkResponse({ type: PortalSessionListView })
  sessions(
    @Auth() auth: AuthContext,
    @Query() query: PortalSessionsQueryDto,
  ): Promise<PortalSessionListView> {
    return this.portal.sessions(auth, query);
  }

  @Get('sessions/:session_id/cost-breakdown')
  @Authenticated({ drivers: true })
  @ApiOperation({ summary: "Itemised charges of one of the driver's sessions" })
  @ApiOkResponse({ type: CostBreakdownView })
  costBreakdown(@Auth() auth: AuthContext, @Param('session_id') id: string): Promise<CostBreakdownView> {
    return this.portal.costBreakdown(auth, id);
  }

  @Get('sessions/:session_id/receipt')
  @Authenticated({ drivers: true })
  @Header('Content-Type', 'application/pdf')
  @ApiOperation({ summary: 'PDF receipt of a finished session' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The receipt', schema: { type: 'string', format: 'binary' } })
  @ApiConflictResponse({ description: '`session_not_finished`' })
  async receipt(@Auth() auth: AuthContext, @Param('session_id') id: string): Promise<StreamableFile> {
    const pdf = await this.portal.receipt(auth, id);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="receipt-${id}.pdf"`,
      length: pdf.length,
    });
  }

  @Post('sessions/:session_id/dispute')
  @Authenticated({ drivers: true })
  @ApiOperation({ summary: 'Dispute the charge of a session (one open dispute per session)' })
  @ApiCreatedResponse({ type: DisputeCreatedView })
  @ApiConflictResponse({ description: '`dispute_open`, or `session_not_finished`' })
  dispute(
    @Auth() auth: AuthContext,
    @Param('session_id') id: string,
    @Body() dto: CreateDisputeDto,
  ): Promise<DisputeCreatedView> {
    return this.portal.dispute(auth, id, dto);
  }

  @Get('disputes')
  @Authenticated({ drivers: true })
  @ApiOperation({ summary: "The driver's disputes and their status" })
  @ApiOkResponse({ type: PortalDisputeListView })
  disputes(@Auth() auth: AuthContext): Promise<PortalDisputeListView> {
    return this.portal.myDisputes(auth);
  }
}
