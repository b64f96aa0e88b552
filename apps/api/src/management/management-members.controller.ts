import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { MembersService } from '../members/members.service';
import {
  ManagementMember,
  ManagementMemberPage,
  ManagementPageQueryDto,
  ManagementRoleDto,
} from './dto/management.dto';
import { fromManagementRole, toManagementMember, toPageQuery } from './management.mapping';

/** Management API: the members of the caller's organization, in that API's own shapes. */
@ApiTags('management: members')
@Controller('v1/members')
export class ManagementMembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Authenticated({ permission: 'members.read' })
  @ApiOperation({ summary: 'List members (page 1–1000, perPage 1–100)' })
  @ApiOkResponse({ type: ManagementMemberPage })
  async list(
    @Auth() auth: AuthContext,
    @Query() query: ManagementPageQueryDto,
  ): Promise<ManagementMemberPage> {
    const q = toPageQuery(query);
    const result = await this.members.list(auth.orgId, q);
    return {
      data: result.data.map(toManagementMember),
      page: q.page,
      perPage: q.perPage,
      total: result.total,
    };
  }

  @Get(':id')
  @Authenticated({ permission: 'members.read' })
  @ApiOperation({ summary: 'Get a member by membership id' })
  @ApiOkResponse({ type: ManagementMember })
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ManagementMember> {
    return toManagementMember(await this.members.get(auth.orgId, { membershipId: id }));
  }

  @Patch(':id')
  @Authenticated({ permission: 'members.manage' })
  @ApiOperation({ summary: "Change a member's role (the owner's role cannot be changed here: 409)" })
  @ApiOkResponse({ type: ManagementMember })
  @ApiConflictResponse({ description: 'Aimed at the owner' })
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() dto: ManagementRoleDto,
  ): Promise<ManagementMember> {
    return toManagementMember(
      await this.members.changeRole(auth, { membershipId: id }, fromManagementRole(dto.role)),
    );
  }

  @Delete(':id')
  @Authenticated({ permission: 'members.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member; their access ends at once (the owner cannot be removed: 409)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiConflictResponse({ description: 'Aimed at the owner' })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.members.remove(auth, { membershipId: id });
  }
}
