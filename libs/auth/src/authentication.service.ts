import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey, Driver, Membership, Role, User, UserToken } from '@csms/domain';
import { Clock, Problems } from '@csms/common';
import { ApiKeyPrincipal, Principal, UserPrincipal } from './principal';
import { TOKEN_PREFIX, hashToken } from './secrets';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Turns a presented token into a principal, or says why not (401). */
@Injectable()
export class AuthenticationService {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<Principal> {
    if (token.startsWith(TOKEN_PREFIX.apiKey)) return this.authenticateApiKey(token);
    if (token.startsWith(TOKEN_PREFIX.userToken)) return this.authenticateUserToken(token);
    throw Problems.unauthorized('Unrecognised credentials');
  }

  private async authenticateApiKey(token: string): Promise<ApiKeyPrincipal> {
    const key = await this.db.getRepository(ApiKey).findOne({
      where: { keyHash: hashToken(token), revokedAt: IsNull() },
    });
    if (!key) throw Problems.unauthorized('Invalid or revoked API key');
    this.touchApiKey(key.id);
    return { kind: 'api_key', keyId: key.id, organizationId: key.organizationId, scopes: key.scopes };
  }

  private async authenticateUserToken(token: string): Promise<UserPrincipal> {
    const row = await this.db
      .getRepository(UserToken)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.user', 'u')
      .where('t.token_hash = :hash', { hash: hashToken(token) })
      .andWhere('t.revoked_at IS NULL')
      .getOne();
    if (!row || !row.user || row.expiresAt.getTime() <= this.clock.nowMs()) {
      throw Problems.unauthorized('Invalid, expired or revoked token');
    }
    return {
      kind: 'user',
      userId: row.user.id,
      email: row.user.email,
      userKind: row.user.kind,
      tokenId: row.id,
    };
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
