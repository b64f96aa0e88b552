import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { InvitationsService } from '../invitations/invitations.service';
import {
  ManagementCreateInvitationDto,
  ManagementInvitation,
  ManagementInvitationPage,
  ManagementMessage,
  ManagementPageQueryDto,
} from './dto/management.dto';
import { fromManagementRole, toManagementInvitation, toPageQuery } from './management.mapping';

/** Management API: invitations to the caller's organization, in that API's own shapes. */
@ApiTags('management: invitations')
@Controller('v1/invitations')
export class ManagementInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @Authenticated({ permission: 'invitations.read' })
  @ApiOperation({ summary: 'List invitations (page 1–1000, perPage 1–100)' })
  @ApiOkResponse({ type: ManagementInvitationPage })
  async list(
    @Auth() auth: AuthContext,
    @Query() query: ManagementPageQueryDto,
  ): Promise<ManagementInvitationPage> {
    const q = toPageQuery(query);
    const result = await this.invitations.list(auth.orgId, q);
    return {
      data: result.data.map((i) => toManagementInvitation(i, this.invitations.statusOf(i))),
      page: q.page,
      perPage: q.perPage,
      total: result.total,
    };
  }

  @Post()
  @Authenticated({ permission: 'invitations.manage' })
  @ApiOperation({ summary: 'Invite someone by email' })
  @ApiCreatedResponse({ type: ManagementInvitation })
  @ApiConflictResponse({ description: 'Already a member, or already invited' })
  async create(
    @Auth() auth: AuthContext,
    @Body() dto: ManagementCreateInvitationDto,
  ): Promise<ManagementInvitation> {
    const inv = await this.invitations.create(auth, { email: dto.email, role: fromManagementRole(dto.role) });
    return toManagementInvitation(inv, this.invitations.statusOf(inv));
  }

  @Delete(':id')
  @Authenticated({ permission: 'invitations.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel an invitation' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.invitations.revoke(auth, id);
  }

  @Post(':id/resend')
  @Authenticated({ permission: 'invitations.manage' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-send the invitation email with a new link and expiry' })
  @ApiOkResponse({ type: ManagementMessage })
  async resend(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ManagementMessage> {
    await this.invitations.resend(auth, id);
    return { message: 'Invitation resent' };
  }
}
