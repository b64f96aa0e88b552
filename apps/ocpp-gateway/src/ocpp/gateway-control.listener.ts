import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { GatewayControl, GatewayControlMessage } from '@csms/queues';
import { ChargerConnection, ConnectionsService } from './connections.service';

export const CLOSE_REPLACED = 4001;
export const CLOSE_DECOMMISSIONED = 4003;

/**
 * Hears the gateway control channel: closes a charger's socket here when it connected again on another
 * node (so a charger never holds two connections), or when the api asks (decommissioned).
 */
@Injectable()
export class GatewayControlListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GatewayControl');
  private unsubscribe?: () => Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly control: GatewayControl,
    private readonly connections: ConnectionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.control.subscribe((message) => this.onMessage(message));
    this.connections.on('connected', (connection) => void this.claim(connection));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  private async claim(connection: ChargerConnection): Promise<void> {
    await this.control
      .publish({
        type: 'claimed',
        chargePointId: connection.chargePointId,
        nodeId: this.config.gateway.nodeId,
        connectedAt: connection.connectedAt.toISOString(),
      })
      .catch((err) => this.logger.warn({ err }, 'Could not announce the connection'));
  }

  private onMessage(message: GatewayControlMessage): void {
    const connection = this.connections.connection(message.chargePointId);
    if (!connection) return;
    if (message.type === 'claimed') {
      if (message.nodeId === this.config.gateway.nodeId) return;
      if (connection.connectedAt.getTime() > new Date(message.connectedAt).getTime()) return;
      this.logger.log(
        { chargePointId: message.chargePointId, node: message.nodeId },
        'Charger reconnected on another node; closing the old socket',
      );
      void connection.client.close({ code: CLOSE_REPLACED, reason: 'Replaced by a new connection' });
    } else if (message.type === 'disconnect') {
      this.logger.log(
        { chargePointId: message.chargePointId, reason: message.reason },
        'Closing charger on request',
      );
      void connection.client.close({ code: CLOSE_DECOMMISSIONED, reason: message.reason.slice(0, 100) });
    }
  }
}
