import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey, Driver, Membership, Role, User, UserToken } from '@csms/domain';
import { Clock, Problems } from '@csms/common';
import { ApiKeyPrincipal, Principal, UserPrincipal } from './principal';
import { CredentialCache } from './credential-cache';
import { TOKEN_PREFIX, hashToken } from './secrets';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Turns a presented token into a principal, or says why not (401). */
@Injectable()
export class AuthenticationService {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly cache: CredentialCache,
  ) {}

  async authenticate(token: string): Promise<Principal> {
    const isApiKey = token.startsWith(TOKEN_PREFIX.apiKey);
    if (!isApiKey && !token.startsWith(TOKEN_PREFIX.userToken)) {
      throw Problems.unauthorized('Unrecognised credentials');
    }
    const hash = hashToken(token);
    const now = this.clock.nowMs();
    const cached = this.cache.get(hash, now);
    if (cached) {
      if (cached.kind === 'api_key') this.touchApiKey(cached.keyId);
      return cached;
    }
    return isApiKey ? this.authenticateApiKey(hash, now) : this.authenticateUserToken(hash, now);
  }

  /**
   * Called once a token or key is revoked, or a user's account kind changed (by the user's id), after the
   * commit: no api process answers from what it remembered of it again.
   */
  async revoked(id: string): Promise<void> {
    await this.cache.revoked(id);
  }

  private async authenticateApiKey(hash: string, now: number): Promise<ApiKeyPrincipal> {
    const key = await this.db.getRepository(ApiKey).findOne({
      where: { keyHash: hash, revokedAt: IsNull() },
    });
    if (!key) throw Problems.unauthorized('Invalid or revoked API key');
    this.touchApiKey(key.id);
    const principal: ApiKeyPrincipal = {
      kind: 'api_key',
      keyId: key.id,
      organizationId: key.organizationId,
      scopes: key.scopes,
    };
    this.cache.set(hash, principal, Infinity, now);
    return principal;
  }

  private async authenticateUserToken(hash: string, now: number): Promise<UserPrincipal> {
    const row = await this.db
      .getRepository(UserToken)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.user', 'u')
      .where('t.token_hash = :hash', { hash })
      .andWhere('t.revoked_at IS NULL')
      .getOne();
    if (!row || !row.user || row.expiresAt.getTime() <= now) {
      throw Problems.unauthorized('Invalid, expired or revoked token');
    }
    const principal: UserPrincipal = {
      kind: 'user',
      userId: row.user.id,
      email: row.user.email,
      userKind: row.user.kind,
      tokenId: row.id,
    };
    this.cache.set(hash, principal, row.expiresAt.getTime(), now);
    return principal;
  }

  async membershipsOf(userId: string): Promise<Membership[]> {
    return this.db.getRepository(Membership).find({ where: { userId } });
  }

  async roleIn(userId: string, organizationId: string): Promise<Role | null> {
    const membership = await this.db.getRepository(Membership).findOne({
      where: { userId, organizationId },
      select: { role: true },
    });
    return membership?.role ?? null;
  }

  async driverOf(userId: string): Promise<Driver | null> {
    return this.db.getRepository(Driver).findOne({ where: { userId } });
  }

  async userExists(userId: string): Promise<boolean> {
    return this.db.getRepository(User).exists({ where: { id: userId } });
  }

  private touchApiKey(keyId: string): void {
    const now = this.clock.nowMs();
    const last = this.lastUsedWrites.get(keyId) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(keyId, now);
    if (this.lastUsedWrites.size > 10_000) this.lastUsedWrites.clear();
    void this.db
      .getRepository(ApiKey)
      .update({ id: keyId }, { lastUsedAt: new Date(now) })
      .catch(() => undefined);
  }
}
