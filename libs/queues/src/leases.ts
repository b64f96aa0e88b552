import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '@csms/common';

/**
 * Named locks that expire on their own (one api instance runs a periodic job per interval): Redis
 * SET NX PX, or, in embedded mode, the Postgres table `leases`.
 */
export abstract class Leases {
  /** True when this caller now holds `name` for `ttlMs`; false while someone else's lease runs. */
  abstract tryAcquire(name: string, ttlMs: number): Promise<boolean>;
}

@Injectable()
export class RedisLeases extends Leases {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(name, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}

@Injectable()
export class PostgresLeases extends Leases {
  constructor(private readonly db: DataSource) {
    super();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO leases (name, expires_at) VALUES ($1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT (name) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE leases.expires_at <= now()
       RETURNING name`,
      [name, ttlMs],
    );
    return rows.length > 0;
  }
}
