import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { DEFAULT_JOB_OPTIONS } from './queue-names';
import { ConnectionRegistry } from './connection-registry';
import { CommandProducer } from './commands/command-producer';
import { CommandOutcomes } from './commands/command-outcomes';
import { REDIS, createRedis, redisConnectionOptions } from './redis';

/**
 * BullMQ on the Redis of REDIS_URL, every queue under QUEUE_PREFIX (so test runs and deployments
 * sharing a Redis stay apart), plus one shared ioredis client for registry and caches.
 */
@Global()
@Module({})
export class QueuesModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(serviceName: string): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisConnectionOptions(config.redis.url) as ConnectionOptions,
            prefix: config.redis.queuePrefix,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
      ],
      providers: [
        {
          provide: REDIS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createRedis(config.redis.url, `${serviceName}`),
        },
        ConnectionRegistry,
        CommandProducer,
        CommandOutcomes,
      ],
      exports: [REDIS, BullModule, ConnectionRegistry, CommandProducer, CommandOutcomes],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
