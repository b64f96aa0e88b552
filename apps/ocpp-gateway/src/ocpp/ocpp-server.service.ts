import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RPCServer } from 'ocpp-rpc';
import { APP_CONFIG, AppConfig } from '@csms/common';

export const OCPP_PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1'];
const OCPP_PATH = /^\/ocpp\/([^/?#]+)\/?(?:\?.*)?$/;

/**
 * The OCPP-J websocket endpoint at `/ocpp/{chargePointId}`, served by ocpp-rpc in strict mode on the
 * gateway's HTTP server. Until charge points are registered, every identity is refused with 404.
 */
@Injectable()
export class OcppServerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OcppServer');
  private server!: RPCServer;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.server = new RPCServer({
      protocols: OCPP_PROTOCOLS,
      strictMode: true,
      pingIntervalMs: this.config.gateway.pingIntervalSeconds * 1000,
      respondWithDetailedErrors: false,
    });
    this.server.auth((_accept, reject, handshake) => {
      this.logger.warn({ identity: handshake.identity }, 'Refused connection of an unknown charge point');
      reject(404, 'Unknown charge point');
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
