import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page } from '@csms/common';
import {
  CreateIdTagDto,
  IdTagListQueryDto,
  IdTagListView,
  IdTagView,
  UpdateIdTagDto,
} from './dto/id-tag.dto';
import { IdTagsService } from './id-tags.service';

@ApiTags('id-tags')
@Controller('api/v1/id-tags')
export class IdTagsController {
  constructor(private readonly idTags: IdTagsService) {}

  @Post()
  @Authenticated({ permission: 'id_tags.write' })
  @ApiOperation({ summary: 'Create an id tag chargers of the organization accept' })
  @ApiCreatedResponse({ type: IdTagView })
  @ApiConflictResponse({ description: '`id_tag_exists`: same value (case-insensitive)' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateIdTagDto): Promise<IdTagView> {
    return this.idTags.create(auth, dto);
  }

  @Get()
  @Authenticated({ permission: 'id_tags.read' })
  @ApiOperation({ summary: 'List the id tags of the organization' })
  @ApiOkResponse({ type: IdTagListView })
  list(@Auth() auth: AuthContext, @Query() query: IdTagListQueryDto): Promise<Page<IdTagView>> {
    return this.idTags.list(auth, query);
  }

  @Get(':tag_id')
  @Authenticated({ permission: 'id_tags.read' })
  @ApiOperation({ summary: 'Get an id tag' })
  @ApiOkResponse({ type: IdTagView })
  get(@Auth() auth: AuthContext, @Param('tag_id') id: string): Promise<IdTagView> {
    return this.idTags.get(auth, id);
  }

  @Patch(':tag_id')
  @Authenticated({ permission: 'id_tags.write' })
  @ApiOperation({ summary: 'Update an id tag (block it, change its expiry, ...)' })
  @ApiOkResponse({ type: IdTagView })
  update(
    @Auth() auth: AuthContext,
    @Param('tag_id') id: string,
    @Body() dto: UpdateIdTagDto,
  ): Promise<IdTagView> {
    return this.idTags.update(auth, id, dto);
  }

  @Delete(':tag_id')
  @Authenticated({ permission: 'id_tags.write' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an id tag (its sessions keep the value)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Auth() auth: AuthContext, @Param('tag_id') id: string): Promise<void> {
    await this.idTags.remove(auth, id);
  }
}
