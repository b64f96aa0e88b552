import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { Clock, Page, PageQueryDto, Problems, newId, page, pageParams } from '@csms/common';
import { ApiKey } from '@csms/domain';
import { AuthContext, AuthenticationService, TOKEN_PREFIX, generateToken, hashToken } from '@csms/auth';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyView, CreatedApiKeyView } from './dto/api-key.views';
import { AuditService } from '../audit/audit.service';

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
    private readonly audit: AuditService,
    private readonly authentication: AuthenticationService,
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
    const saved = await this.db.transaction(async (manager) => {
      await manager.insert(ApiKey, key);
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'api_key.created',
        resourceType: 'api_key',
        resourceId: key.id,
        after: { name: key.name, prefix: key.prefix, scopes },
      });
      return manager.findOneByOrFail(ApiKey, { id: key.id });
    });
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
    await this.db.transaction(async (manager) => {
      const key = await manager.findOneBy(ApiKey, {
        id: keyId,
        organizationId: auth.orgId,
        revokedAt: IsNull(),
      });
      if (!key) throw Problems.notFound('API key', keyId);
      await manager.update(ApiKey, { id: key.id }, { revokedAt: this.clock.now() });
      await this.audit.record(manager, auth.orgId, auth.actor, {
        action: 'api_key.revoked',
        resourceType: 'api_key',
        resourceId: key.id,
        before: { name: key.name, prefix: key.prefix, scopes: key.scopes },
        after: null,
      });
    });
    await this.authentication.revoked(keyId);
  }
}
