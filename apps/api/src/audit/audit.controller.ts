import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page } from '@csms/common';
import { AuditService } from './audit.service';
import { AuditEntryView, AuditPageView, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit-log')
@Controller('api/v1/organizations/:org_id/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ permission: 'audit_log.read' })
  @ApiOperation({
    summary: 'List audit entries of the organization, newest first (filter by action or actor)',
  })
  @ApiOkResponse({ type: AuditPageView })
  list(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Query() query: AuditQueryDto,
  ): Promise<Page<AuditEntryView>> {
    return this.audit.list(auth.orgId, query);
  }
}
