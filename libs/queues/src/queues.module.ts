import { BullModule } from '@nestjs/bullmq';
import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
  Provider,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, BACKENDS, BackendMode, BackendsInUse } from '@csms/common';
import { DEFAULT_JOB_OPTIONS } from './queue-names';
import {
  ConnectionRegistry,
  PostgresConnectionRegistry,
  RedisConnectionRegistry,
} from './connection-registry';
import { CommandProducer } from './commands/command-producer';
import { ExpiringCounters, PostgresExpiringCounters, RedisExpiringCounters } from './expiring-counters';
import { GatewayControl, LocalGatewayControl, RedisGatewayControl } from './gateway-control';
import { Leases, PostgresLeases, RedisLeases } from './leases';
import { QUEUE_BACKEND, QueueBackend, embeddedQueuePool, queueBackendFor } from './queue-backend';
import { CommandOutcomes, LocalCommandOutcomes, RedisCommandOutcomes } from './commands/command-outcomes';
import { REDIS, createRedis } from './redis';

function redisProviders(serviceName: string): Provider[] {
  return [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRedis(config.redis.url, serviceName),
    },
    { provide: ConnectionRegistry, useClass: RedisConnectionRegistry },
    { provide: GatewayControl, useClass: RedisGatewayControl },
    { provide: ExpiringCounters, useClass: RedisExpiringCounters },
    { provide: Leases, useClass: RedisLeases },
    { provide: CommandOutcomes, useClass: RedisCommandOutcomes },
    {
      provide: BACKENDS,
      inject: [REDIS],
      useFactory: (redis: Redis): BackendsInUse => ({
        database: {},
        queues: { key: 'redis', details: {}, ping: () => redis.ping() },
      }),
    },
  ];
}

/** Embedded mode: one process, one node; what Redis held lives in Postgres or in the process. */
function embeddedProviders(): Provider[] {
  return [
    { provide: ConnectionRegistry, useClass: PostgresConnectionRegistry },
    { provide: GatewayControl, useClass: LocalGatewayControl },
    { provide: ExpiringCounters, useClass: PostgresExpiringCounters },
    { provide: Leases, useClass: PostgresLeases },
    { provide: CommandOutcomes, useClass: LocalCommandOutcomes },
    {
      provide: BACKENDS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): BackendsInUse => ({
        database: { backend: 'pglite' },
        queues: {
          key: 'queues',
          details: { backend: 'postgres' },
          ping: () => embeddedQueuePool(config.database.url).query('SELECT 1'),
        },
      }),
    },
  ];
}

/**
 * BullMQ, the connection registry, the gateway control channel, counters and leases, on the backend
 * of the mode: Redis (REDIS_URL, every queue and key under QUEUE_PREFIX) or, in embedded mode, the
 * embedded PostgreSQL. The mode is decided once, from the configuration, when the app module is built.
 */
@Global()
@Module({})
export class QueuesModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {}

  onModuleInit(): void {
    const embedded = this.backend.kind === 'postgres';
    new Logger('Queues').log(
      { backend: this.backend.kind },
      `Queues: ${this.backend.description}; connection registry: ${embedded ? 'PostgreSQL' : 'Redis'}; ` +
        `gateway control: ${embedded ? 'in-process (embedded mode)' : 'Redis pub/sub'}`,
    );
  }

  static forRoot(serviceName: string, mode: BackendMode): DynamicModule {
    const shared = [ConnectionRegistry, GatewayControl, ExpiringCounters, Leases, CommandOutcomes, BACKENDS];
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            const backend = queueBackendFor(config);
            return {
              connection: backend.connection,
              prefix: backend.prefix,
              defaultJobOptions: DEFAULT_JOB_OPTIONS,
            };
          },
        }),
      ],
      providers: [
        ...(mode === 'embedded' ? embeddedProviders() : redisProviders(serviceName)),
        { provide: QUEUE_BACKEND, inject: [APP_CONFIG], useFactory: queueBackendFor },
        CommandProducer,
      ],
      exports: [
        ...shared,
        ...(mode === 'embedded' ? [] : [REDIS]),
        QUEUE_BACKEND,
        BullModule,
        CommandProducer,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }
}
