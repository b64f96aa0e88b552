import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventEmitter } from 'node:events';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';

/** Fire-and-forget notices every gateway node hears, about chargers' connections. */
export type GatewayControlMessage =
  /** A node accepted a connection: any older socket of the charger on another node is closed. */
  | { type: 'claimed'; chargePointId: string; nodeId: string; connectedAt: string }
  /** Close the charger's socket wherever it is (e.g. it was decommissioned). */
  | { type: 'disconnect'; chargePointId: string; reason: string };

export function gatewayControlChannel(queuePrefix: string): string {
  return `${queuePrefix}:gateway-control`;
}

/**
 * The gateway control channel: Redis pub/sub ({@link RedisGatewayControl}) across nodes, or in-process
 * ({@link LocalGatewayControl}) in embedded mode, where the api and the one gateway share a process.
 */
export abstract class GatewayControl {
  abstract publish(message: GatewayControlMessage): Promise<void>;
  /** Hears every message published from now on; resolves to the function that stops listening. */
  abstract subscribe(handler: (message: GatewayControlMessage) => void): Promise<() => Promise<void>>;
}

function parse(raw: string): GatewayControlMessage | undefined {
  try {
    return JSON.parse(raw) as GatewayControlMessage;
  } catch {
    return undefined;
  }
}

@Injectable()
export class RedisGatewayControl extends GatewayControl {
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.channel = gatewayControlChannel(config.redis.queuePrefix);
  }

  async publish(message: GatewayControlMessage): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(message));
  }

  async subscribe(handler: (message: GatewayControlMessage) => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate({ connectionName: 'ocpp-gateway-control' });
    subscriber.on('message', (_channel: string, raw: string) => {
      const message = parse(raw);
      if (message) handler(message);
    });
    await subscriber.subscribe(this.channel);
    return async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }
}

/** One emitter per channel for the whole process: the api's and the gateway's modules meet here. */
const localChannels = new Map<string, EventEmitter>();

@Injectable()
export class LocalGatewayControl extends GatewayControl {
  private readonly bus: EventEmitter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    const channel = gatewayControlChannel(config.redis.queuePrefix);
    let bus = localChannels.get(channel);
    if (!bus) {
      bus = new EventEmitter().setMaxListeners(0);
      localChannels.set(channel, bus);
    }
    this.bus = bus;
  }

  async publish(message: GatewayControlMessage): Promise<void> {
    // Delivered later, as over a network: a publisher never runs its listeners' work inline.
    const raw = JSON.stringify(message);
    setImmediate(() => this.bus.emit('message', raw));
  }

  async subscribe(handler: (message: GatewayControlMessage) => void): Promise<() => Promise<void>> {
    const listener = (raw: string) => {
      const message = parse(raw);
      if (message) handler(message);
    };
    this.bus.on('message', listener);
    return async () => {
      this.bus.off('message', listener);
    };
  }
}
