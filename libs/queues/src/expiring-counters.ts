import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '@csms/common';

export interface CounterValue {
  count: number;
  /** Seconds until the counter resets (0 when it does not exist). */
  ttlSeconds: number;
}

/**
 * Counters that reset when their window ends (failed logins): the window starts with the first
 * increment. In Redis (INCR + EXPIRE NX) or, in embedded mode, in the Postgres table `expiring_counters`.
 */
export abstract class ExpiringCounters {
  abstract read(keys: string[]): Promise<CounterValue[]>;
  abstract increment(keys: string[], windowSeconds: number): Promise<void>;
  /** Increments counters and returns their new values, all in one round trip (rate limits). */
  abstract hit(keys: string[], windowSeconds: number): Promise<CounterValue[]>;
  abstract reset(key: string): Promise<void>;
}

@Injectable()
export class RedisExpiringCounters extends ExpiringCounters {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    super();
  }

  async read(keys: string[]): Promise<CounterValue[]> {
    if (keys.length === 0) return [];
    const counts = await this.redis.mget(keys);
    return Promise.all(
      keys.map(async (key, i) => {
        const count = Number(counts[i] ?? 0);
        return { count, ttlSeconds: count > 0 ? Math.max(await this.redis.ttl(key), 0) : 0 };
      }),
    );
  }

  async increment(keys: string[], windowSeconds: number): Promise<void> {
    const multi = this.redis.multi();
    for (const key of keys) multi.incr(key).expire(key, windowSeconds, 'NX');
    await multi.exec();
  }

  async hit(keys: string[], windowSeconds: number): Promise<CounterValue[]> {
    if (keys.length === 0) return [];
    const multi = this.redis.multi();
    for (const key of keys) multi.incr(key).expire(key, windowSeconds, 'NX').ttl(key);
    const results = await multi.exec();
    if (!results) throw new Error('counter transaction discarded');
    return keys.map((_key, i) => {
      const [[incrError, count], , [, ttl]] = results.slice(i * 3, i * 3 + 3);
      if (incrError) throw incrError;
      return { count: Number(count), ttlSeconds: Math.max(Number(ttl), 0) };
    });
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

@Injectable()
export class PostgresExpiringCounters extends ExpiringCounters {
  constructor(private readonly db: DataSource) {
    super();
  }

  async read(keys: string[]): Promise<CounterValue[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ key: string; count: number; ttl: number }> = await this.db.query(
      `SELECT key, count, ceil(extract(epoch FROM expires_at - now()))::int AS ttl
       FROM expiring_counters WHERE key = ANY($1) AND expires_at > now()`,
      [keys],
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return keys.map((key) => {
      const row = byKey.get(key);
      return row ? { count: row.count, ttlSeconds: row.ttl } : { count: 0, ttlSeconds: 0 };
    });
  }

  async increment(keys: string[], windowSeconds: number): Promise<void> {
    await this.db.query(`DELETE FROM expiring_counters WHERE expires_at <= now()`);
    for (const key of keys) {
      await this.db.query(
        `INSERT INTO expiring_counters (key, count, expires_at)
         VALUES ($1, 1, now() + make_interval(secs => $2))
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN expiring_counters.expires_at > now() THEN expiring_counters.count + 1 ELSE 1 END,
           expires_at = CASE WHEN expiring_counters.expires_at > now()
             THEN expiring_counters.expires_at ELSE EXCLUDED.expires_at END`,
        [key, windowSeconds],
      );
    }
  }

  async hit(keys: string[], windowSeconds: number): Promise<CounterValue[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ key: string; count: number; ttl: number }> = await this.db.query(
      `INSERT INTO expiring_counters (key, count, expires_at)
       SELECT k, 1, now() + make_interval(secs => $2) FROM unnest($1::varchar[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN expiring_counters.expires_at > now() THEN expiring_counters.count + 1 ELSE 1 END,
         expires_at = CASE WHEN expiring_counters.expires_at > now()
           THEN expiring_counters.expires_at ELSE EXCLUDED.expires_at END
       RETURNING key, count, ceil(extract(epoch FROM expires_at - now()))::int AS ttl`,
      [keys, windowSeconds],
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return keys.map((key) => {
      const row = byKey.get(key)!;
      return { count: Number(row.count), ttlSeconds: Math.max(Number(row.ttl), 0) };
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.query(`DELETE FROM expiring_counters WHERE key = $1`, [key]);
  }
}
