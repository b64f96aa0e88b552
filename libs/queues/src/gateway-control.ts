import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@csms/common';

/** Fire-and-forget notices every gateway node hears (Redis pub/sub), about chargers' connections. */
export type GatewayControlMessage =
  /** A node accepted a connection: any older socket of the charger on another node is closed. */
  | { type: 'claimed'; chargePointId: string; nodeId: string; connectedAt: string }
  /** Close the charger's socket wherever it is (e.g. it was decommissioned). */
  | { type: 'disconnect'; chargePointId: string; reason: string };

export function gatewayControlChannel(queuePrefix: string): string {
  return `${queuePrefix}:gateway-control`;
}

@Injectable()
export class GatewayControl {
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = gatewayControlChannel(config.redis.queuePrefix);
  }

  async publish(message: GatewayControlMessage): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(message));
  }
}
