import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Problems } from '@csms/common';
import { ExpiringCounters } from '@csms/queues';
import { createHash } from 'node:crypto';

/**
 * Counts failed logins per account and per client address (in Redis, or Postgres in embedded mode);
 * past the limit the login answers 429 with Retry-After until the window ends, whether or not the
 * password is right.
 */
@Injectable()
export class LoginLimiterService {
  constructor(
    private readonly counters: ExpiringCounters,
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
    const [account, byIp] = await this.counters.read([accountKey, ipKey]);
    const blocked = account.count >= max ? account : byIp.count >= max * 10 ? byIp : null;
    if (blocked) {
      const ttl = blocked.ttlSeconds;
      throw Problems.rateLimited(
        ttl > 0 ? ttl : this.config.auth.loginFailureWindowSeconds,
        'Too many failed login attempts; retry later',
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.config.auth.loginFailureWindowSeconds;
    await this.counters.increment(this.keys(email, ip), window);
  }

  async reset(email: string, ip: string): Promise<void> {
    await this.counters.reset(this.keys(email, ip)[0]);
  }
}
