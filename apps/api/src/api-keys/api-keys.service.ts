import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { Clock, Page, PageQueryDto, Problems, newId, page, pageParams } from '@csms/common';
import { ApiKey } from '@csms/domain';
import { AuthContext, TOKEN_PREFIX, generateToken, hashToken } from '@csms/auth';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyView, CreatedApiKeyView } from './dto/api-key.views';

function toView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    created_by: key.createdByUserId ?? key.createdByKeyId,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(auth: AuthContext, dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const scopes = [...new Set(dto.scopes)];
    if (auth.principal.kind === 'api_key') {
      const own = new Set(auth.principal.scopes);
      const beyond = scopes.filter((s) => !own.has(s));
      if (beyond.length) {
        throw Problems.forbidden(
          `An API key cannot grant scopes it does not hold: ${beyond.join(', ')}`,
          'scope_escalation',
        );
      }
    }
    const secret = generateToken(TOKEN_PREFIX.apiKey);
    const key = this.db.getRepository(ApiKey).create({
      id: newId('key'),
      organizationId: auth.orgId,
      name: dto.name,
      prefix: secret.slice(0, TOKEN_PREFIX.apiKey.length + 6),
      keyHash: hashToken(secret),
      scopes,
      createdByUserId: auth.userId,
      createdByKeyId: auth.principal.kind === 'api_key' ? auth.principal.keyId : null,
    });
    await this.db.getRepository(ApiKey).insert(key);
    const saved = await this.db.getRepository(ApiKey).findOneByOrFail({ id: key.id });
    return {
      id: saved.id,
      name: saved.name,
      key: secret,
      scopes: saved.scopes,
      created_at: saved.createdAt.toISOString(),
    };
  }

  async list(auth: AuthContext, query: PageQueryDto): Promise<Page<ApiKeyView>> {
    const { take, skip } = pageParams(query);
    const [rows, total] = await this.db.getRepository(ApiKey).findAndCount({
      where: { organizationId: auth.orgId, revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
      skip,
    });
    return page(rows.map(toView), total, query);
  }

  async revoke(auth: AuthContext, keyId: string): Promise<void> {
    const result = await this.db
      .getRepository(ApiKey)
      .update(
        { id: keyId, organizationId: auth.orgId, revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
    if (!result.affected) throw Problems.notFound('API key', keyId);
  }
}
