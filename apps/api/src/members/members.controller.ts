import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import { MemberListView, MemberView, UpdateMemberRoleDto } from './dto/member.dto';
import { Member, MembersService } from './members.service';

export function toMemberView({ membership, user }: Member): MemberView {
  return {
    user_id: user.id,
    membership_id: membership.id,
    email: user.email,
    name: `${user.firstName} ${user.lastName}`.trim(),
    first_name: user.firstName,
    last_name: user.lastName,
    role: membership.role,
    joined_at: membership.createdAt.toISOString(),
  };
}

@ApiTags('members')
@Controller('api/v1/organizations/:org_id/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Authenticated({ permission: 'members.read' })
  @ApiOperation({ summary: 'List the members of the organization with their roles' })
  @ApiOkResponse({ type: MemberListView })
  async list(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<MemberView>> {
    const result = await this.members.list(auth.orgId, query);
    return { ...result, data: result.data.map(toMemberView) };
  }

  @Put(':user_id/role')
  @Authenticated({ permission: 'members.manage' })
  @ApiOperation({
    summary:
      "Change a member's role; giving `owner` transfers ownership (owner only, previous owner becomes admin)",
  })
  @ApiOkResponse({ type: MemberView })
  @ApiConflictResponse({ description: '`owner_role_locked`, `not_owner`' })
  async changeRole(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('user_id') userId: string,
    @Body() dto: UpdateMemberRoleDto,
  ): Promise<MemberView> {
    return toMemberView(await this.members.changeRole(auth, { userId }, dto.role));
  }

  @Delete(':user_id')
  @Authenticated({ permission: 'members.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member; their access ends at once (the owner cannot be removed)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiConflictResponse({ description: '`owner_cannot_be_removed`' })
  async remove(
    @Auth() auth: AuthContext,
    @Param('org_id') _orgId: string,
    @Param('user_id') userId: string,
  ): Promise<void> {
    await this.members.remove(auth, { userId });
  }
}
