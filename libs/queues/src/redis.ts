import Redis, { RedisOptions } from 'ioredis';

export { REDIS } from '@csms/common';

/** Options BullMQ needs from the parsed REDIS_URL (it wants options, not a shared client). */
export function redisConnectionOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/**
 * The app's own client (BullMQ makes its own). Auto-pipelining sends the commands issued in one tick of
 * the event loop as one write: a reconnect storm registers thousands of chargers at once.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis({
    ...redisConnectionOptions(url),
    connectionName: name,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
  });
}
