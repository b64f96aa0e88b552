import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig, Problems } from '@csms/common';
import { extractToken } from '@csms/auth';
import { ExpiringCounters } from '@csms/queues';
import { CountersThrottlerStorage } from './counters-throttler.storage';

const WINDOW_MS = 60_000;

function credentialOf(req: Request): string | null {
  const token = extractToken(req);
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 32) : null;
}

/**
 * Two limits per minute, counted in the shared counters across api nodes: per credential (API key or
 * user token, RATE_LIMIT_PER_MINUTE) and per client address (RATE_LIMIT_PER_IP_PER_MINUTE, every
 * request, with or without credentials). Keys name the tracker only, so a limit spans every route.
 */
export function rateLimitOptions(config: AppConfig, counters: ExpiringCounters): ThrottlerModuleOptions {
  return {
    storage: new CountersThrottlerStorage(counters, `${config.redis.queuePrefix}:rate`),
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      {
        name: 'credential',
        ttl: WINDOW_MS,
        limit: config.rateLimit.perMinute,
        skipIf: (context) => credentialOf(context.switchToHttp().getRequest<Request>()) === null,
        getTracker: (req) => credentialOf(req as Request) ?? '',
      },
      {
        name: 'ip',
        ttl: WINDOW_MS,
        limit: config.rateLimit.perIpPerMinute,
        getTracker: (req) => String((req as Request).ip ?? 'unknown'),
      },
    ],
  };
}

/** 429 problem details with Retry-After: the seconds until the caller's window ends. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const per = detail.key.startsWith('ip:') ? 'client address' : 'credential';
    throw Problems.rateLimited(
      detail.timeToBlockExpire,
      `More than ${detail.limit} requests per minute for this ${per}; retry later`,
    );
  }
}
