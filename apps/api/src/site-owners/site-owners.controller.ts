import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import {
  InviteSiteOwnerDto,
  RejectSiteOwnerDto,
  SiteOwnerDetailView,
  SiteOwnerInvitationListView,
  SiteOwnerInvitationView,
  SiteOwnerListView,
  SiteOwnerProfileView,
  SiteOwnerQueryDto,
} from './dto/site-owner.dto';
import { SiteOwnerInvitationsService } from './site-owner-invitations.service';
import { SiteOwnersService } from './site-owners.service';

/** The operator's side: invite site owners to projects, review and decide their onboarding. */
@ApiTags('site-owners')
@Controller('api/v1/organizations/:org_id/site-owners')
export class SiteOwnersController {
  constructor(
    private readonly invitations: SiteOwnerInvitationsService,
    private readonly siteOwners: SiteOwnersService,
  ) {}

  @Post('invitations')
  @Authenticated({ permission: 'site_owners.manage' })
  @ApiOperation({
    summary: 'Invite a site owner by email to host one or more projects; expires after 7 days',
  })
  @ApiCreatedResponse({ type: SiteOwnerInvitationView })
  @ApiConflictResponse({ description: '`project_has_site_owner`' })
  invite(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Body() dto: InviteSiteOwnerDto,
  ): Promise<SiteOwnerInvitationView> {
    return this.invitations.invite(auth, dto);
  }

  @Get('invitations')
  @Authenticated({ permission: 'site_owners.read' })
  @ApiOperation({ summary: 'List site owner invitations, newest first' })
  @ApiOkResponse({ type: SiteOwnerInvitationListView })
  listInvitations(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<SiteOwnerInvitationView>> {
    return this.invitations.list(auth, query);
  }

  @Delete('invitations/:invitation_id')
  @Authenticated({ permission: 'site_owners.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a pending site owner invitation; its link stops working' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiConflictResponse({ description: '`invitation_already_accepted`' })
  async revokeInvitation(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('invitation_id') invitationId: string,
  ): Promise<void> {
    await this.invitations.revoke(auth, invitationId);
  }

  @Get()
  @Authenticated({ permission: 'site_owners.read' })
  @ApiOperation({ summary: 'List the site owners of the organization, newest first' })
  @ApiOkResponse({ type: SiteOwnerListView })
  list(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Query() query: SiteOwnerQueryDto,
  ): Promise<Page<SiteOwnerProfileView>> {
    return this.siteOwners.list(auth, query);
  }

  @Get(':site_owner_id')
  @Authenticated({ permission: 'site_owners.read' })
  @ApiOperation({ summary: 'Get a site owner with their documents and projects' })
  @ApiOkResponse({ type: SiteOwnerDetailView })
  get(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('site_owner_id') id: string,
  ): Promise<SiteOwnerDetailView> {
    return this.siteOwners.get(auth, id);
  }

  @Get(':site_owner_id/documents/:document_id')
  @Authenticated({ permission: 'site_owners.read' })
  @ApiOperation({ summary: "Download one of the site owner's documents (as uploaded)" })
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async document(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('site_owner_id') id: string,
    @Param('document_id') documentId: string,
  ): Promise<StreamableFile> {
    const { document, stream } = await this.siteOwners.documentFile(auth, id, documentId);
    return new StreamableFile(stream, {
      type: document.contentType,
      length: document.sizeBytes,
      disposition: `attachment; filename="${document.id}.${document.storageName.split('.').pop()}"`,
    });
  }

  @Post(':site_owner_id/approve')
  @Authenticated({ permission: 'site_owners.manage' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a submitted onboarding: the site owner becomes active' })
  @ApiOkResponse({ type: SiteOwnerDetailView })
  @ApiConflictResponse({ description: '`site_owner_not_pending_approval`' })
  approve(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('site_owner_id') id: string,
  ): Promise<SiteOwnerDetailView> {
    return this.siteOwners.approve(auth, id);
  }

  @Post(':site_owner_id/reject')
  @Authenticated({ permission: 'site_owners.manage' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a submitted onboarding with a reason; the site owner may fix and resubmit',
  })
  @ApiOkResponse({ type: SiteOwnerDetailView })
  @ApiConflictResponse({ description: '`site_owner_not_pending_approval`' })
  reject(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('site_owner_id') id: string,
    @Body() dto: RejectSiteOwnerDto,
  ): Promise<SiteOwnerDetailView> {
    return this.siteOwners.reject(auth, id, dto.reason);
  }
}
