import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig, Problems } from '@csms/common';
import { extractToken } from '@csms/auth';
import { ExpiringCounters } from '@csms/queues';

const WINDOW_SECONDS = 60;

interface Limit {
  key: string;
  limit: number;
  per: string;
}

function credentialOf(req: Request): string | null {
  const token = extractToken(req);
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 32) : null;
}

/**
 * Two limits per minute, counted in the shared counters across api nodes (Redis, or Postgres in embedded
 * mode): per client address (RATE_LIMIT_PER_IP_PER_MINUTE, every request, with or without credentials)
 * and per credential (API key or user token, RATE_LIMIT_PER_MINUTE). Both counters are hit in one round
 * trip; a limit spans every route, in fixed windows that start with the first request. Over a limit:
 * 429 problem details with Retry-After, the seconds until the window ends. If the counters cannot be
 * reached the request is let through (logged): an outage of the counters must not take the api down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly counters: ExpiringCounters,
  ) {
    this.prefix = `${config.redis.queuePrefix}:rate`;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const limits: Limit[] = [
      {
        key: `${this.prefix}:ip:${String(req.ip ?? 'unknown')}`,
        limit: this.config.rateLimit.perIpPerMinute,
        per: 'client address',
      },
    ];
    const credential = credentialOf(req);
    if (credential) {
      limits.push({
        key: `${this.prefix}:credential:${credential}`,
        limit: this.config.rateLimit.perMinute,
        per: 'credential',
      });
    }
    let counts;
    try {
      counts = await this.counters.hit(
        limits.map((l) => l.key),
        WINDOW_SECONDS,
      );
    } catch (err) {
      this.logger.warn({ err }, 'Rate-limit counters unavailable; request let through');
      return true;
    }
    limits.forEach((l, i) => {
      if (counts[i].count > l.limit) {
        throw Problems.rateLimited(
          counts[i].ttlSeconds || WINDOW_SECONDS,
          `More than ${l.limit} requests per minute for this ${l.per}; retry later`,
        );
      }
    });
    return true;
  }
}
