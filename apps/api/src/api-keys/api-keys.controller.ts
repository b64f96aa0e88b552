import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated } from '@csms/auth';
import { Page, PageQueryDto } from '@csms/common';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyListView, ApiKeyView, CreatedApiKeyView } from './dto/api-key.views';

@ApiTags('api-keys')
@Controller('api/v1/org/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Authenticated({ permission: 'api_keys.manage' })
  @ApiOperation({ summary: 'Create an API key for the organization; the key is returned only once' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(@Auth() auth: AuthContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.apiKeys.create(auth, dto);
  }

  @Get()
  @Authenticated({ permission: 'api_keys.read' })
  @ApiOperation({ summary: 'List the active API keys of the organization (without their secrets)' })
  @ApiOkResponse({ type: ApiKeyListView })
  list(@Auth() auth: AuthContext, @Query() query: PageQueryDto): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(auth, query);
  }

  @Delete(':key_id')
  @Authenticated({ permission: 'api_keys.manage' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Auth() auth: AuthContext, @Param('key_id') keyId: string): Promise<void> {
    await this.apiKeys.revoke(auth, keyId);
  }
}
