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
  CreateProjectDto,
  ProjectListView,
  ProjectQueryDto,
  ProjectView,
  UpdateProjectDto,
} from './dto/project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @Authenticated({ permission: 'projects.write' })
  @ApiOperation({ summary: 'Create a project (a site hosting charge points)' })
  @ApiCreatedResponse({ type: ProjectView })
  create(@Auth() auth: AuthContext, @Body() dto: CreateProjectDto): Promise<ProjectView> {
    return this.projects.create(auth, dto);
  }

  @Get()
  @Authenticated({ permission: 'projects.read' })
  @ApiOperation({ summary: 'List projects with their charge point count, newest first' })
  @ApiOkResponse({ type: ProjectListView })
  list(@Auth() auth: AuthContext, @Query() query: ProjectQueryDto): Promise<Page<ProjectView>> {
    return this.projects.list(auth, query);
  }

  @Get(':project_id')
  @Authenticated({ permission: 'projects.read' })
  @ApiOperation({ summary: 'Get a project' })
  @ApiOkResponse({ type: ProjectView })
  get(@Auth() auth: AuthContext, @Param('project_id') id: string): Promise<ProjectView> {
    return this.projects.get(auth, id);
  }

  @Patch(':project_id')
  @Authenticated({ permission: 'projects.write' })
  @ApiOperation({ summary: 'Update a project; null clears address, coordinates or site owner' })
  @ApiOkResponse({ type: ProjectView })
  update(
    @Auth() auth: AuthContext,
    @Param('project_id') id: string,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectView> {
    return this.projects.update(auth, id, dto);
  }

  @Delete(':project_id')
  @Authenticated({ permission: 'projects.write' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a project that has no charge points' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: '`project_has_charge_points`' })
  async remove(@Auth() auth: AuthContext, @Param('project_id') id: string): Promise<void> {
    await this.projects.remove(auth, id);
  }
}
