import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { RPCClient } from 'ocpp-rpc';
import type { IHandshakeInterface } from 'ocpp-rpc/lib/server-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { verifyChargerPassword } from '@csms/auth';
import { ChargePoint } from '@csms/domain';
import { ConnectionRegistry, NODE_HEARTBEAT_SECONDS } from '@csms/queues';
import {
  ChargerConnection,
  ChargerConnections,
  ConnectedListener,
  OcppProtocol,
} from '../commands/charger-connections';

type Accept = (session?: Record<string, unknown>, protocol?: string | false) => void;
type Reject = (code: number, message: string) => void;

/**
 * The chargers connected to this node: a minimal handshake (registered, not decommissioned, profile 0
 * or the right Basic-auth password), the node's entry in the connection registry, and the live RPC
 * clients the command worker calls through.
 */
@Injectable()
export class OcppConnectionsService
  implements ChargerConnections, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('OcppConnections');
  private readonly clients = new Map<string, RPCClient>();
  private readonly listeners = new Set<ConnectedListener>();
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly nodeId: string;

  constructor(
    private readonly db: DataSource,
    private readonly registry: ConnectionRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.nodeId = config.gateway.nodeId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.heartbeat(this.nodeId);
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat().catch((err) => this.logger.warn({ err }, 'Node heartbeat failed'));
    }, NODE_HEARTBEAT_SECONDS * 1000);
    this.heartbeatTimer.unref();
  }

  /** Keeps the node alive in the registry; if its entry had lapsed (Redis restarted), registers its chargers again. */
  private async heartbeat(): Promise<void> {
    const lapsed = !(await this.registry.isNodeAlive(this.nodeId));
    await this.registry.heartbeat(this.nodeId);
    if (lapsed) {
      for (const id of this.clients.keys()) await this.registry.register(id, this.nodeId);
      this.logger.warn(
        { chargers: this.clients.size },
        'Node registry entry had lapsed; chargers registered again',
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    this.listeners.clear();
    // Open websockets would keep the HTTP server (closed before onApplicationShutdown) from closing.
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(
      clients.map((c) =>
        c.close({ code: 1001, reason: 'Server shutting down', force: true }).catch(() => undefined),
      ),
    );
    await this.registry.removeNode(this.nodeId).catch(() => undefined);
  }

  /** The handshake decision for ocpp-rpc's `auth` callback. */
  async admit(accept: Accept, reject: Reject, handshake: IHandshakeInterface): Promise<void> {
    try {
      const cp = await this.db
        .getRepository(ChargePoint)
        .createQueryBuilder('cp')
        .addSelect(['cp.passwordHash', 'cp.previousPasswordHash'])
        .where('cp.id = :id', { id: handshake.identity })
        .getOne();
      if (!cp || cp.decommissionedAt) {
        this.logger.warn({ identity: handshake.identity }, 'Refused connection of an unknown charge point');
        return reject(404, 'Unknown charge point');
      }
      if (cp.securityProfile !== 0) {
        const password = handshake.password?.toString('utf8');
        const ok =
          password !== undefined &&
          (verifyChargerPassword(password, cp.passwordHash) ||
            verifyChargerPassword(password, cp.previousPasswordHash));
        if (!ok) {
          this.logger.warn({ identity: cp.id }, 'Refused charge point with a missing or wrong password');
          return reject(401, 'Invalid credentials');
        }
      }
      if (cp.ocppVersion !== 'auto') {
        const wanted = `ocpp${cp.ocppVersion}`;
        if (!handshake.protocols.has(wanted)) return reject(400, `Expected subprotocol ${wanted}`);
        return accept({ chargePointId: cp.id }, wanted);
      }
      accept({ chargePointId: cp.id });
    } catch (err) {
      this.logger.error({ err, identity: handshake.identity }, 'Handshake failed');
      reject(500, 'Internal error');
    }
  }

  /** A charger completed the handshake: replace any older socket of it, register it, tell listeners. */
  async attach(client: RPCClient): Promise<void> {
    const id = client.identity!;
    const previous = this.clients.get(id);
    this.clients.set(id, client);
    client.once('close', () => {
      if (this.clients.get(id) !== client) return;
      this.clients.delete(id);
      this.registry.unregister(id, this.nodeId).catch(() => undefined);
    });
    if (previous && previous !== client) {
      void previous.close({ code: 1000, reason: 'Replaced by a new connection', force: true });
    }
    const version = client.protocol === 'ocpp2.0.1' ? '2.0.1' : '1.6';
    await this.registry.register(id, this.nodeId);
    await this.db
      .getRepository(ChargePoint)
      .update({ id }, { connectedOcppVersion: version, lastSeenAt: this.clock.now() })
      .catch((err) => this.logger.warn({ err, identity: id }, 'Could not record the connection'));
    this.logger.log({ identity: id, protocol: client.protocol }, 'Charge point connected');
    for (const listener of this.listeners) listener(id);
  }

  get(chargePointId: string): ChargerConnection | undefined {
    const client = this.clients.get(chargePointId);
    if (!client || client.state !== 1) return undefined;
    return {
      protocol: client.protocol as OcppProtocol,
      call: (method, params, options) => client.call(method, params, options),
    };
  }

  onConnected(listener: ConnectedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
