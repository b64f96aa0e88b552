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

/**
 * INCR, EXPIRE NX (the window starts with the first hit) and TTL of each key, atomically; answers
 * count and ttl of each key in turn. Sent by EVALSHA (ioredis falls back to EVAL after a Redis restart).
 */
const HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  out[2 * i - 1] = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
  out[2 * i] = redis.call('TTL', key)
end
return out`;

type ScriptedRedis = Redis & {
  csmsCountersHit(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
};

@Injectable()
export class RedisExpiringCounters extends ExpiringCounters {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    super();
    if (!('csmsCountersHit' in redis)) {
      redis.defineCommand('csmsCountersHit', { lua: HIT_SCRIPT });
    }
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
    // One script call instead of a MULTI of three commands per key: the rate limits run on every request.
    const results = await (this.redis as ScriptedRedis).csmsCountersHit(keys.length, ...keys, windowSeconds);
    return keys.map((_key, i) => ({
      count: Number(results[i * 2]),
      ttlSeconds: Math.max(Number(results[i * 2 + 1]), 0),
    }));
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
