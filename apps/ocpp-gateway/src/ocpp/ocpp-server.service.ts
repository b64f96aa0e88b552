import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Type,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RPCError, RPCServer, createRPCError } from 'ocpp-rpc';
import type RPCServerClient from 'ocpp-rpc/lib/server-client';
import type { IHandshakeInterface } from 'ocpp-rpc/lib/server-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { verifyChargerPassword } from '@csms/auth';
import {
  CHARGE_POINT_ID_PATTERN,
  ChargePoint,
  RegistrationStatus,
  pgArrayLiteral,
  pgColumn,
} from '@csms/domain';
import { ConnectionRegistry } from '@csms/queues';
import { ChargePointStateService } from '../charging/charge-point-state.service';
import { V16_HANDLERS } from '../v16';
import { V201_HANDLERS } from '../v201';
import {
  ChargerConnection,
  ConnectionsService,
  OcppProtocol,
  PROTOCOL_VERSIONS,
} from './connections.service';
import { BadMessage, answerWithMessageId, conformCallError } from './call-errors';
import { CLOSE_REPLACED } from './gateway-control.listener';
import { MessageLogService } from './message-log.service';
import { NodeHeartbeatService } from './node-heartbeat.service';
import { OcppHandler, actionOf } from './ocpp-handler';
import { WriteBatcher } from '../charging/write-batcher';

export const OCPP_PROTOCOLS: OcppProtocol[] = ['ocpp1.6', 'ocpp2.0.1'];
const OCPP_PATH = /^\/ocpp\/([^/?#]+)\/?(?:\?.*)?$/;

/** What a handshake reads of its charge point. */
interface HandshakeRow {
  id: string;
  organization_id: string;
  ocpp_version: ChargePoint['ocppVersion'];
  registration_status: RegistrationStatus;
  security_profile: number;
  password_hash: string | null;
  previous_password_hash: string | null;
  decommissioned_at: Date | null;
  last_boot_at: Date | null;
}

/** What the handshake hands to the connection (ocpp-rpc `session`). */
interface HandshakeSession {
  organizationId: string;
  registrationStatus: RegistrationStatus;
  booted: boolean;
}

/**
 * The OCPP-J websocket endpoint at `/ocpp/{chargePointId}`, served by ocpp-rpc in strict mode on the
 * gateway's HTTP server: authenticates chargers at the upgrade, keeps one connection per charger
 * (registered in the Redis node registry), and routes each CALL to its (version, action) handler.
 */
@Injectable()
export class OcppServerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OcppServer');
  private server!: RPCServer;
  /** Set at shutdown: every charger still connected is recorded disconnected by one statement then. */
  private shuttingDown = false;
  private readonly handlers = new Map<OcppProtocol, Map<string, OcppHandler>>();
  /**
   * Handshakes arriving together (a gateway restart brings every charger back at once) read their
   * charge points with one query. Still read at every handshake, so a decommissioning or a new
   * password counts at once.
   */
  private readonly handshakeReads = new WriteBatcher<string, HandshakeRow | undefined>(
    async (ids) => {
      const rows: HandshakeRow[] = await this.db.query(
        `SELECT id, organization_id, ocpp_version, registration_status, security_profile, password_hash,
           previous_password_hash, decommissioned_at, last_boot_at
         FROM charge_points WHERE id = ANY($1::varchar[])`,
        [pgArrayLiteral(ids)],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id));
    },
    { maxBatch: 500, maxConcurrent: 2 },
  );
  private readonly connectedWrites = new WriteBatcher<ChargerConnection>(
    async (connections) => {
      await this.db.query(
        `UPDATE charge_points c SET connected_ocpp_version = v.version, last_connected_at = v.at,
           last_seen_at = greatest(c.last_seen_at, v.at)
         FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[]) AS v(id, version, at)
         WHERE c.id = v.id`,
        [
          pgColumn(connections, (c) => c.chargePointId),
          pgColumn(connections, (c) => c.version),
          pgColumn(connections, (c) => c.connectedAt),
        ],
      );
    },
    { maxBatch: 1000, maxConcurrent: 1 },
  );
  private readonly disconnectedWrites = new WriteBatcher<{ id: string; at: Date }>(
    async (items) => {
      await this.db.query(
        `UPDATE charge_points c SET last_disconnected_at = v.at
         FROM unnest($1::varchar[], $2::timestamptz[]) AS v(id, at) WHERE c.id = v.id`,
        [pgColumn(items, (i) => i.id), pgColumn(items, (i) => i.at)],
      );
    },
    { maxBatch: 1000, maxConcurrent: 1 },
  );

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectionRegistry,
    private readonly heartbeat: NodeHeartbeatService,
    private readonly messages: MessageLogService,
    private readonly state: ChargePointStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get nodeId(): string {
    return this.config.gateway.nodeId;
  }

  onApplicationBootstrap(): void {
    for (const handler of [...V16_HANDLERS, ...V201_HANDLERS] as Array<Type<OcppHandler>>) {
      const { protocol, action } = actionOf(handler);
      const byAction = this.handlers.get(protocol) ?? new Map<string, OcppHandler>();
      if (byAction.has(action)) throw new Error(`Two handlers for ${protocol} ${action}`);
      byAction.set(action, this.moduleRef.get(handler, { strict: false }));
      this.handlers.set(protocol, byAction);
    }
    this.server = new RPCServer({
      protocols: OCPP_PROTOCOLS,
      strictMode: true,
      pingIntervalMs: this.config.gateway.pingIntervalSeconds * 1000,
      // A message from the charger proves the socket alive: it is pinged only after an interval of
      // silence, so 10,000 busy chargers cost no pings (each a write and a pong to read).
      deferPingsOnActivity: true,
      respondWithDetailedErrors: false,
      maxBadMessages: this.config.gateway.maxBadMessages,
      wssOptions: { maxPayload: this.config.gateway.maxPayloadBytes },
    });
    this.server.auth((accept, reject, handshake) => {
      this.authenticate(handshake).then(
        (result) =>
          'session' in result ? accept(result.session, result.protocol) : reject(result.code, result.message),
        (err) => {
          this.logger.error({ err, identity: handshake.identity }, 'Handshake failed');
          reject(503, 'Service unavailable');
        },
      );
    });
    this.server.on('client', (client: RPCServerClient) => this.onClient(client));
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

  /**
   * Unknown or decommissioned identity → 404; no common subprotocol → 400; wrong or missing password →
   * 401 unless the charger is explicitly on security profile 0. The previous password keeps working
   * until the charger connects with the new one.
   */
  private async authenticate(
    handshake: IHandshakeInterface,
  ): Promise<{ session: HandshakeSession; protocol: OcppProtocol } | { code: number; message: string }> {
    const identity = handshake.identity;
    const refuse = (code: number, message: string) => {
      this.logger.warn(
        { identity, code, remoteAddress: handshake.remoteAddress },
        `Refused charger: ${message}`,
      );
      return { code, message };
    };
    if (!CHARGE_POINT_ID_PATTERN.test(identity)) return refuse(404, 'Unknown charge point');
    const cp = await this.handshakeReads.add(identity);
    if (!cp || cp.decommissioned_at) return refuse(404, 'Unknown charge point');
    const allowed =
      cp.ocpp_version === 'auto'
        ? OCPP_PROTOCOLS
        : OCPP_PROTOCOLS.filter((p) => PROTOCOL_VERSIONS[p] === cp.ocpp_version);
    const protocol = allowed.find((p) => handshake.protocols.has(p));
    if (!protocol) return refuse(400, 'Unsupported subprotocol');
    if (Number(cp.security_profile) !== 0) {
      const password = handshake.password?.toString('utf8');
      if (!password) return refuse(401, 'Password required');
      const current = verifyChargerPassword(password, cp.password_hash);
      if (!current && !verifyChargerPassword(password, cp.previous_password_hash)) {
        return refuse(401, 'Invalid password');
      }
      if (current && cp.previous_password_hash) {
        await this.db.query(
          `UPDATE charge_points SET previous_password_hash = NULL WHERE id = $1 AND password_hash = $2`,
          [cp.id, cp.password_hash],
        );
      }
    }
    return {
      protocol,
      session: {
        organizationId: cp.organization_id,
        registrationStatus: cp.registration_status,
        booted: cp.last_boot_at !== null,
      },
    };
  }

  private onClient(client: RPCServerClient): void {
    const session = client.session as HandshakeSession;
    const protocol = client.protocol as OcppProtocol;
    const chargePointId = client.identity!;
    const now = this.clock.now();
    const connection: ChargerConnection = {
      chargePointId,
      organizationId: session.organizationId,
      protocol,
      version: PROTOCOL_VERSIONS[protocol],
      client,
      connectedAt: now,
      registrationStatus: session.registrationStatus,
      accepted: session.registrationStatus === 'accepted' && session.booted,
      lastSeenWrittenMs: now.getTime(),
    };
    const inFlight = new Map<string, string>();
    client.on('message', ({ message, outbound }: { message: string; outbound: boolean }) =>
      this.messages.record(chargePointId, outbound ? 'out' : 'in', message, inFlight),
    );
    client.on('response', ({ outbound, payload }: { outbound: boolean; payload: unknown }) => {
      if (outbound) conformCallError(protocol, payload);
    });
    client.on('badMessage', ({ buffer, error, response }: BadMessage) => {
      conformCallError(protocol, response);
      if (response) answerWithMessageId(response, buffer);
      this.logger.warn({ chargePointId, err: error.message }, 'Bad OCPP message');
    });
    for (const [action, handler] of this.handlers.get(protocol) ?? []) {
      client.handle(action, ({ params, messageId }) =>
        this.dispatch(connection, action, handler, params, messageId!),
      );
    }
    client.once(
      'close',
      ({ code, reason }: { code?: number; reason?: string }) => void this.onClose(connection, code, reason),
    );

    const replaced = this.connections.add(connection);
    if (replaced) {
      this.logger.log({ chargePointId }, 'New connection replaces the previous one');
      void replaced.client.close({
        code: CLOSE_REPLACED,
        reason: 'Replaced by a new connection',
        force: false,
      });
    }
    this.logger.log({ chargePointId, protocol, node: this.nodeId }, 'Charger connected');
    void this.afterConnect(connection);
  }

  private async afterConnect(connection: ChargerConnection): Promise<void> {
    // The row first: whoever sees the charger connected in the registry also reads its connection data.
    await this.connectedWrites
      .add(connection)
      .catch((err) =>
        this.logger.error(
          { err, chargePointId: connection.chargePointId },
          'Could not record the connection',
        ),
      );
    try {
      await this.registry.register(connection.chargePointId, this.nodeId);
      if (this.connections.connection(connection.chargePointId) === connection) {
        this.connections.emit('registered', connection);
      }
    } catch (err) {
      this.heartbeat.registrationFailed();
      this.logger.error({ err, chargePointId: connection.chargePointId }, 'Could not record the connection');
    }
  }

  private async onClose(connection: ChargerConnection, code?: number, reason?: string): Promise<void> {
    this.logger.log({ chargePointId: connection.chargePointId, code, reason }, 'Charger disconnected');
    if (!this.connections.remove(connection) || this.shuttingDown) return;
    try {
      await this.registry.unregister(connection.chargePointId, this.nodeId);
      await this.disconnectedWrites.add({ id: connection.chargePointId, at: this.clock.now() });
    } catch (err) {
      this.logger.warn(
        { err, chargePointId: connection.chargePointId },
        'Could not record the disconnection',
      );
    }
  }

  private async dispatch(
    connection: ChargerConnection,
    action: string,
    handler: OcppHandler,
    params: unknown,
    messageId: string,
  ): Promise<Record<string, any>> {
    if (connection.protocol === 'ocpp2.0.1' && !connection.accepted && action !== 'BootNotification') {
      throw createRPCError(
        'SecurityError',
        `${action} is not allowed before the charging station is accepted`,
      );
    }
    try {
      const result = await handler.handle(params, { connection, messageId, receivedAt: this.clock.now() });
      if (action !== 'BootNotification' && action !== 'Heartbeat')
        void this.state.touch(connection).catch(() => undefined);
      return result;
    } catch (err) {
      if (err instanceof RPCError) throw err;
      this.logger.error(
        { err, chargePointId: connection.chargePointId, action, messageId },
        'OCPP handler failed',
      );
      throw createRPCError('InternalError', 'The CSMS could not process the message');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.heartbeat.stop();
    const ids = this.connections.ids();
    if (ids.length) {
      await this.db
        .query(`UPDATE charge_points SET last_disconnected_at = $2 WHERE id = ANY($1)`, [
          ids,
          this.clock.now(),
        ])
        .catch(() => undefined);
    }
    await this.server?.close({
      code: 1001,
      reason: 'Server shutting down',
      awaitPending: false,
      force: true,
    });
    // Disconnections recorded just before the shutdown began are written before the database closes.
    await this.disconnectedWrites.drained();
    await this.messages.flush();
    await this.registry
      .removeNode(this.nodeId)
      .catch((err) => this.logger.warn({ err }, 'Could not remove the node from the registry'));
  }
}
