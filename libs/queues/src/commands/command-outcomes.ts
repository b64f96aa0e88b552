import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';

/**
 * A wake-up call (Redis pub/sub) when a command reaches its final state, so the api answers as soon as the
 * charger did instead of at its next poll. Only a hint: the row in Postgres is the outcome, and the api
 * still polls it, so a lost notice costs latency, never a result.
 */
@Injectable()
export class CommandOutcomes implements OnApplicationShutdown {
  private readonly channel: string;
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.redis.queuePrefix}:command-outcomes`;
  }

  async publish(commandId: string): Promise<void> {
    await this.redis.publish(this.channel, commandId);
  }

  /** Resolves when the command's outcome is announced, or after `ms`, whichever comes first. */
  async wait(commandId: string, ms: number): Promise<void> {
    await this.subscribe();
    await new Promise<void>((resolve) => {
      const set = this.waiting.get(commandId) ?? new Set();
      this.waiting.set(commandId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(commandId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  private subscribe(): Promise<unknown> {
    if (!this.subscribed) {
      this.subscriber = this.redis.duplicate({ connectionName: 'command-outcomes' });
      this.subscriber.on('message', (_channel: string, commandId: string) => {
        for (const done of [...(this.waiting.get(commandId) ?? [])]) done();
      });
      this.subscribed = this.subscriber.subscribe(this.channel).catch((err: unknown) => {
        this.subscribed = undefined;
        throw err;
      });
    }
    return this.subscribed.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
