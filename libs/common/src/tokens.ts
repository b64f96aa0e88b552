/** DI token of the shared ioredis client (provided by QueuesModule). */
export const REDIS = Symbol('REDIS');
