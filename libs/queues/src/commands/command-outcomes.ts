import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventEmitter } from 'node:events';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';
import type { Command } from '@csms/domain';

/** The columns of a command row that change after its insert: what a final state leaves in them. */
export type CommandOutcomeFields = Pick<
  Command,
  | 'state'
  | 'ocppAction'
  | 'ocppVersion'
  | 'payload'
  | 'response'
  | 'errorCode'
  | 'errorReason'
  | 'nodeId'
  | 'dispatches'
  | 'sentAt'
  | 'answeredAt'
>;

/** An outcome larger than this (a long GetConfiguration answer) is announced by id alone, and read. */
const MAX_NOTICE_BYTES = 8 * 1024;

/**
 * A wake-up call when a command reaches its final state, so the api answers as soon as the charger did
 * instead of at its next poll: Redis pub/sub across processes ({@link RedisCommandOutcomes}), or
 * in-process in embedded mode ({@link LocalCommandOutcomes}). The notice is sent once the outcome is
 * committed and carries what it wrote to the row (unless it is large), so the waiting request answers
 * without reading the row back; a notice by id alone, or none (lost, Redis down), costs a read or the
 * poll of the row, never a result.
 */
export abstract class CommandOutcomes {
  private readonly waiting = new Map<string, Set<(fields?: CommandOutcomeFields) => void>>();
  private listening?: Promise<unknown>;

  /** Announces a command's committed final state, with the row's changed columns when given. */
  async publish(commandId: string, fields?: CommandOutcomeFields): Promise<void> {
    if (fields) {
      const message = JSON.stringify({ id: commandId, fields });
      if (Buffer.byteLength(message) <= MAX_NOTICE_BYTES) return this.send(message);
    }
    return this.send(commandId);
  }

  protected abstract send(message: string): Promise<void>;

  /** Starts hearing announcements (once); each announcement is passed to `deliver`. */
  protected abstract listen(): Promise<unknown>;

  /** A notice is a command id, or (from this version on) JSON with the id and the outcome's columns. */
  protected deliver(message: string): void {
    let commandId = message;
    let fields: CommandOutcomeFields | undefined;
    if (message.startsWith('{')) {
      try {
        const notice = JSON.parse(message) as { id: string; fields: CommandOutcomeFields };
        commandId = notice.id;
        fields = reviveDates(notice.fields);
      } catch {
        return;
      }
    }
    for (const done of [...(this.waiting.get(commandId) ?? [])]) done(fields);
  }

  /**
   * Resolves when the command's outcome is announced, or after `ms`, whichever comes first: with the
   * announced columns when the notice carried them, else undefined (read the row).
   */
  async wait(commandId: string, ms: number): Promise<CommandOutcomeFields | undefined> {
    if (!this.listening) {
      this.listening = this.listen().catch((err: unknown) => {
        this.listening = undefined;
        throw err;
      });
    }
    await this.listening.catch(() => undefined);
    return new Promise<CommandOutcomeFields | undefined>((resolve) => {
      const set = this.waiting.get(commandId) ?? new Set();
      this.waiting.set(commandId, set);
      const done = (fields?: CommandOutcomeFields) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(commandId);
        resolve(fields);
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}

function reviveDates(fields: CommandOutcomeFields): CommandOutcomeFields {
  const at = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { ...fields, sentAt: at(fields.sentAt), answeredAt: at(fields.answeredAt) };
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

  protected async send(message: string): Promise<void> {
    await this.redis.publish(this.channel, message);
  }

  protected listen(): Promise<unknown> {
    this.subscriber = this.redis.duplicate({ connectionName: 'command-outcomes' });
    this.subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
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
  private readonly listener = (message: string) => this.deliver(message);

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

  protected async send(message: string): Promise<void> {
    setImmediate(() => this.bus.emit('outcome', message));
  }

  protected async listen(): Promise<void> {
    this.bus.on('outcome', this.listener);
  }

  onApplicationShutdown(): void {
    this.bus.off('outcome', this.listener);
  }
}
