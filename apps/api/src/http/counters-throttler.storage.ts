import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ExpiringCounters } from '@csms/queues';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The throttler's hit counts in the shared expiring counters (Redis, or Postgres in embedded mode), so
 * every api node counts against the same limit. Fixed windows of the throttler's ttl; while a counter is
 * over its limit the caller is blocked until the window ends. If the counters cannot be reached the
 * request is let through (logged): an outage of the counters must not take the api down.
 */
export class CountersThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');

  constructor(
    private readonly counters: ExpiringCounters,
    private readonly prefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const windowSeconds = Math.max(1, Math.ceil(ttl / 1000));
    try {
      const { count, ttlSeconds } = await this.counters.hit(`${this.prefix}:${key}`, windowSeconds);
      const blocked = count > limit;
      const remaining = ttlSeconds > 0 ? ttlSeconds : windowSeconds;
      return {
        totalHits: count,
        timeToExpire: remaining,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? remaining : 0,
      };
    } catch (err) {
      this.logger.warn({ err }, 'Rate-limit counters unavailable; request let through');
      return { totalHits: 0, timeToExpire: windowSeconds, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
