import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventEmitter } from 'node:events';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';

/**
 * A wake-up call when a command reaches its final state, so the api answers as soon as the charger did
 * instead of at its next poll: Redis pub/sub across processes ({@link RedisCommandOutcomes}), or
 * in-process in embedded mode ({@link LocalCommandOutcomes}). Only a hint: the row in Postgres is the
 * outcome, and the api still polls it, so a lost notice costs latency, never a result.
 */
export abstract class CommandOutcomes {
  private readonly waiting = new Map<string, Set<() => void>>();
  private listening?: Promise<unknown>;

  abstract publish(commandId: string): Promise<void>;

  /** Starts hearing announcements (once); each announced id is passed to `deliver`. */
  protected abstract listen(): Promise<unknown>;

  protected deliver(commandId: string): void {
    for (const done of [...(this.waiting.get(commandId) ?? [])]) done();
  }

  /** Resolves when the command's outcome is announced, or after `ms`, whichever comes first. */
  async wait(commandId: string, ms: number): Promise<void> {
    if (!this.listening) {
      this.listening = this.listen().catch((err: unknown) => {
        this.listening = undefined;
        throw err;
      });
    }
    await this.listening.catch(() => undefined);
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
}

function channelOf(config: AppConfig): string {
  return `${config.redis.queuePrefix}:command-outcomes`;
}

@Injectable()
export class RedisCommandOutcomes extends CommandOutcomes implements OnApplicationShutdown {
  private readonly channel: string;
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.channel = channelOf(config);
  }

  async publish(commandId: string): Promise<void> {
    await this.redis.publish(this.channel, commandId);
  }

  protected listen(): Promise<unknown> {
    this.subscriber = this.redis.duplicate({ connectionName: 'command-outcomes' });
    this.subscriber.on('message', (_channel: string, commandId: string) => this.deliver(commandId));
    return this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

/** One emitter per channel for the whole process: in embedded mode the api and the gateway meet here. */
const localChannels = new Map<string, EventEmitter>();

@Injectable()
export class LocalCommandOutcomes extends CommandOutcomes implements OnApplicationShutdown {
  private readonly bus: EventEmitter;
  private readonly listener = (commandId: string) => this.deliver(commandId);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    const channel = channelOf(config);
    let bus = localChannels.get(channel);
    if (!bus) {
      bus = new EventEmitter().setMaxListeners(0);
      localChannels.set(channel, bus);
    }
    this.bus = bus;
  }

  async publish(commandId: string): Promise<void> {
    setImmediate(() => this.bus.emit('outcome', commandId));
  }

  protected async listen(): Promise<void> {
    this.bus.on('outcome', this.listener);
  }

  onApplicationShutdown(): void {
    this.bus.off('outcome', this.listener);
  }
}
