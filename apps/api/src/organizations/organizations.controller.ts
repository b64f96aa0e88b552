import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { OrganizationView } from './organization.view';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get(':org_id')
  @Authenticated({ permission: 'organizations.read' })
  @ApiOperation({ summary: 'Get an organization (members and its API keys only)' })
  @ApiOkResponse({ type: OrganizationView })
  get(@Auth() auth: AuthContext, @Param('org_id') _orgId: string): Promise<OrganizationView> {
    return this.organizations.get(auth.orgId);
  }
}
