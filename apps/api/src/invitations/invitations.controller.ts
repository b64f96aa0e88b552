import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated, Public } from '@csms/auth';
import { Page } from '@csms/common';
import {
  AcceptInvitationDto,
  AcceptedInvitationView,
  CreateInvitationDto,
  InvitationListView,
  InvitationQueryDto,
  InvitationView,
  ResendInvitationView,
} from './dto/invitation.dto';
import { toAcceptedView, toInvitationView } from './invitation.views';
import { InvitationsService } from './invitations.service';

@ApiTags('invitations')
@Controller('api/v1/organizations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('invitations/accept')
  @Public({ optionalAuth: true })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept an invitation with the token of its link: signed in (same email), or with first_name, last_name and password to create the account',
  })
  @ApiOkResponse({ type: AcceptedInvitationView })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  @ApiConflictResponse({ description: '`invitation_already_used`, `invitation_revoked`, `email_taken`' })
  @ApiGoneResponse({ description: '`invitation_expired`' })
  async accept(
    @Auth() auth: AuthContext | undefined,
    @Body() dto: AcceptInvitationDto,
  ): Promise<AcceptedInvitationView> {
    const result = await this.invitations.accept(auth, {
      token: dto.token,
      firstName: dto.first_name,
      lastName: dto.last_name,
      password: dto.password,
    });
    return toAcceptedView(result);
  }

  @Post(':org_id/invitations')
  @Authenticated({ permission: 'invitations.manage' })
  @ApiOperation({ summary: 'Invite someone by email; the invitation expires after 7 days' })
  @ApiCreatedResponse({ type: InvitationView })
  @ApiConflictResponse({ description: '`already_member`, `invitation_pending`' })
  async create(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Body() dto: CreateInvitationDto,
  ): Promise<InvitationView> {
    const inv = await this.invitations.create(auth, dto);
    return toInvitationView(inv, this.invitations.statusOf(inv));
  }

  @Get(':org_id/invitations')
  @Authenticated({ permission: 'invitations.read' })
  @ApiOperation({ summary: 'List invitations, newest first (filter by status)' })
  @ApiOkResponse({ type: InvitationListView })
  async list(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Query() query: InvitationQueryDto,
  ): Promise<Page<InvitationView>> {
    const result = await this.invitations.list(auth.orgId, query);
    return { ...result, data: result.data.map((i) => toInvitationView(i, this.invitations.statusOf(i))) };
  }

  @Delete(':org_id/invitations/:invitation_id')
  @Authenticated({ permission: 'invitations.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel an invitation (status revoked); its link stops working' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('invitation_id') invitationId: string,
  ): Promise<void> {
    await this.invitations.revoke(auth, invitationId);
  }

  @Post(':org_id/invitations/:invitation_id/resend')
  @Authenticated({ permission: 'invitations.manage' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Resend an invitation: new token and expiry; the previous link stops working' })
  @ApiOkResponse({ type: ResendInvitationView })
  async resend(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('invitation_id') invitationId: string,
  ): Promise<ResendInvitationView> {
    const inv = await this.invitations.resend(auth, invitationId);
    return { message: 'Invitation resent', ...toInvitationView(inv, this.invitations.statusOf(inv)) };
  }
}
