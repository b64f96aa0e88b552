import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { ConnectionRegistry, NODE_HEARTBEAT_SECONDS } from '@csms/queues';

/** Keeps this gateway node alive in the registry, so the chargers it holds count as connected. */
@Injectable()
export class NodeHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NodeHeartbeat');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: ConnectionRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get nodeId(): string {
    return this.config.gateway.nodeId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.heartbeat(this.nodeId);
    this.timer = setInterval(() => {
      this.registry
        .heartbeat(this.nodeId)
        .catch((err) => this.logger.error({ err, node: this.nodeId }, 'Node heartbeat failed'));
    }, NODE_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  /** Stops beating; OcppServerService removes the node from the registry once its sockets are closed. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
