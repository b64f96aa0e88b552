import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { SettingsView, UpdateSettingsDto } from './dto/settings.dto';
import { OrganizationView } from './organization.view';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Authenticated({ principals: ['user'], userKinds: ['staff'] })
  @ApiOperation({
    summary: 'Create an organization; the signed-in caller becomes its owner (not with an API key)',
  })
  @ApiCreatedResponse({ type: OrganizationView })
  @ApiConflictResponse({ description: '`slug_taken`' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateOrganizationDto): Promise<OrganizationView> {
    return this.organizations.create(auth, dto);
  }

  @Get(':org_id')
  @Authenticated({ permission: 'organizations.read' })
  @ApiOperation({ summary: 'Get an organization (members and its API keys only)' })
  @ApiOkResponse({ type: OrganizationView })
  get(@Auth() auth: AuthContext, @Param('org_id') _orgId: string): Promise<OrganizationView> {
    return this.organizations.get(auth.orgId);
  }

  @Put(':org_id')
  @Authenticated({ permission: 'organizations.update' })
  @ApiOperation({
    summary:
      'Replace the mutable fields (name, country, contact_email, address, tax_id) and/or update settings',
  })
  @ApiOkResponse({ type: OrganizationView })
  update(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<OrganizationView> {
    return this.organizations.update(auth, dto);
  }

  @Get(':org_id/settings')
  @Authenticated({ permission: 'settings.read' })
  @ApiOperation({ summary: 'Get the organization settings' })
  @ApiOkResponse({ type: SettingsView })
  getSettings(@Auth() auth: AuthContext, @Param('org_id') _orgId: string): Promise<SettingsView> {
    return this.organizations.getSettings(auth.orgId);
  }

  @Put(':org_id/settings')
  @Authenticated({ permission: 'settings.update' })
  @ApiOperation({ summary: 'Update the given settings (default_currency and billing_email: owner only)' })
  @ApiOkResponse({ type: SettingsView })
  updateSettings(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Body() dto: UpdateSettingsDto,
  ): Promise<SettingsView> {
    return this.organizations.updateSettings(auth, dto);
  }
}
