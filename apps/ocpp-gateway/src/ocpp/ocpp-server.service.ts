import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RPCServer } from 'ocpp-rpc';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { OcppConnectionsService } from './connections.service';

export const OCPP_PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1'];
const OCPP_PATH = /^\/ocpp\/([^/?#]+)\/?(?:\?.*)?$/;

/**
 * The OCPP-J websocket endpoint at `/ocpp/{chargePointId}`, served by ocpp-rpc in strict mode on the
 * gateway's HTTP server. Who may connect, and the live connections, are OcppConnectionsService's.
 */
@Injectable()
export class OcppServerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OcppServer');
  private server!: RPCServer;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: OcppConnectionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.server = new RPCServer({
      protocols: OCPP_PROTOCOLS,
      strictMode: true,
      pingIntervalMs: this.config.gateway.pingIntervalSeconds * 1000,
      respondWithDetailedErrors: false,
    });
    this.server.auth((accept, reject, handshake) => void this.connections.admit(accept, reject, handshake));
    this.server.on('client', (client) => {
      this.connections
        .attach(client)
        .catch((err) => this.logger.error({ err }, 'Could not attach a charger'));
    });
    const http: Server = this.adapterHost.httpAdapter.getHttpServer();
    const upgrade = this.server.handleUpgrade;
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!OCPP_PATH.test(req.url ?? '')) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      void upgrade(req, socket as never, head);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close({
      code: 1001,
      reason: 'Server shutting down',
      awaitPending: false,
      force: true,
    });
  }
}
