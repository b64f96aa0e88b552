import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, Problems } from '@csms/common';
import { REDIS } from '@csms/queues';
import { createHash } from 'node:crypto';

/**
 * Counts failed logins per account and per client address in Redis; past the limit the login answers
 * 429 with Retry-After until the window ends, whether or not the password is right.
 */
@Injectable()
export class LoginLimiterService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(email: string, ip: string): string[] {
    const prefix = `${this.config.redis.queuePrefix}:login-failures`;
    const account = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return [`${prefix}:account:${account}`, `${prefix}:ip:${ip}`];
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const [accountKey, ipKey] = this.keys(email, ip);
    const max = this.config.auth.loginMaxFailures;
    const [account, byIp] = await this.redis.mget(accountKey, ipKey);
    const blockedKey = Number(account) >= max ? accountKey : Number(byIp) >= max * 10 ? ipKey : null;
    if (blockedKey) {
      const ttl = await this.redis.ttl(blockedKey);
      throw Problems.rateLimited(
        ttl > 0 ? ttl : this.config.auth.loginFailureWindowSeconds,
        'Too many failed login attempts; retry later',
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.config.auth.loginFailureWindowSeconds;
    const multi = this.redis.multi();
    for (const key of this.keys(email, ip)) multi.incr(key).expire(key, window, 'NX');
    await multi.exec();
  }

  async reset(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip)[0]);
  }
}
