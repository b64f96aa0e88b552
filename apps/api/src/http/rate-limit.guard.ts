import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, AppConfig, Problems } from '@csms/common';
import { extractToken } from '@csms/auth';
import { CounterValue, ExpiringCounters } from '@csms/queues';

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

/** What a request's hit of the counters came to: each limit with its count, or the counters' failure. */
type Hit = { limits: Limit[]; counts: CounterValue[] } | { error: unknown };

const STARTED = Symbol('rateLimitHit');
type WithHit = Request & { [STARTED]?: Promise<Hit> };

/**
 * Two limits per minute, counted in the shared counters across api nodes (Redis, or Postgres in embedded
 * mode): per client address (RATE_LIMIT_PER_IP_PER_MINUTE, every request, with or without credentials)
 * and per credential (API key or user token, RATE_LIMIT_PER_MINUTE). Both counters are hit in one round
 * trip; a limit spans every route, in fixed windows that start with the first request.
 */
@Injectable()
export class RateLimiter {
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly counters: ExpiringCounters,
  ) {
    this.prefix = `${config.redis.queuePrefix}:rate`;
  }

  /** Counts the request against its limits (once; a later call answers the same hit). */
  hit(req: Request): Promise<Hit> {
    const started = (req as WithHit)[STARTED];
    if (started) return started;
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
    const hit = this.counters
      .hit(
        limits.map((l) => l.key),
        WINDOW_SECONDS,
      )
      .then(
        (counts): Hit => ({ limits, counts }),
        (error: unknown): Hit => ({ error }),
      );
    (req as WithHit)[STARTED] = hit;
    return hit;
  }
}

/**
 * Starts each request's hit as it arrives, so that the counters' round trip runs while the request goes
 * through the middleware and routing; {@link RateLimitGuard} then waits for it. Every request to the api
 * counts, including one answered before a route's guards (an unknown route, a refused body); the API
 * documentation (`/docs`) does not.
 */
export function startRateLimit(limiter: RateLimiter) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/docs')) void limiter.hit(req);
    next();
  };
}

/**
 * Refuses a request over one of its limits: 429 problem details with Retry-After, the seconds until the
 * window ends. If the counters cannot be reached the request is let through (logged): an outage of the
 * counters must not take the api down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');

  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const hit = await this.limiter.hit(context.switchToHttp().getRequest<Request>());
    if ('error' in hit) {
      this.logger.warn({ err: hit.error }, 'Rate-limit counters unavailable; request let through');
      return true;
    }
    hit.limits.forEach((l, i) => {
      if (hit.counts[i].count > l.limit) {
        throw Problems.rateLimited(
          hit.counts[i].ttlSeconds || WINDOW_SECONDS,
          `More than ${l.limit} requests per minute for this ${l.per}; retry later`,
        );
      }
    });
    return true;
  }
}
