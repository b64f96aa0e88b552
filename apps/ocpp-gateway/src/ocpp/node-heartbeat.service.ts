import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { ConnectionRegistry, NODE_HEARTBEAT_SECONDS } from '@csms/queues';
import { ConnectionsService } from './connections.service';

/** How soon a failed heartbeat is tried again (Redis or the database is down). */
const RETRY_SECONDS = 1;

/**
 * Keeps this gateway node alive in the registry, so the chargers it holds count as connected. When the
 * registry lost the node (Redis restarted empty, or the node was swept after a long pause) or a beat
 * or a registration failed, the next successful beat registers this node's chargers again.
 */
@Injectable()
export class NodeHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NodeHeartbeat');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private restoreNeeded = false;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly connections: ConnectionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get nodeId(): string {
    return this.config.gateway.nodeId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.heartbeat(this.nodeId);
    this.schedule(NODE_HEARTBEAT_SECONDS);
  }

  /** A charger's registration failed: register it (and any other missing one) at the next beat. */
  registrationFailed(): void {
    this.restoreNeeded = true;
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.beat(), seconds * 1000);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    let ok = false;
    try {
      const wasAlive = await this.registry.heartbeat(this.nodeId);
      if (!wasAlive || this.restoreNeeded) {
        this.restoreNeeded = false;
        const restored = await this.registry.restore(this.nodeId, this.connections.ids());
        if (restored) this.logger.warn({ node: this.nodeId, restored }, 'Registered chargers again');
      }
      ok = true;
    } catch (err) {
      this.restoreNeeded = true;
      this.logger.error({ err, node: this.nodeId }, 'Node heartbeat failed');
    }
    this.schedule(ok ? NODE_HEARTBEAT_SECONDS : RETRY_SECONDS);
  }

  /** Stops beating; OcppServerService removes the node from the registry once its sockets are closed. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
