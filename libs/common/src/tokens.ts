/** DI token of the shared ioredis client (provided by QueuesModule when the system runs on Redis). */
export const REDIS = Symbol('REDIS');

/** DI token of {@link BackendsInUse} (provided by QueuesModule). */
export const BACKENDS = Symbol('BACKENDS');

/** What health reports about the backends this process actually uses. */
export interface BackendsInUse {
  /** Extra details of the `database` health entry (empty for an external PostgreSQL). */
  database: Record<string, string>;
  /** The health entry of the queue and registry backend: `redis`, or `queues` in embedded mode. */
  queues: { key: string; details: Record<string, string>; ping: () => Promise<unknown> };
}
