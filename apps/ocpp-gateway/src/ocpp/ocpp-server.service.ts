import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Type,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { IncomingMessage, STATUS_CODES, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RPCError, createRPCError } from 'ocpp-rpc';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
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
import { CLOSE_REPLACED } from './gateway-control.listener';
import { CallsInFlight } from './calls-in-flight';
import { MessageLogService } from './message-log.service';
import { NodeHeartbeatService } from './node-heartbeat.service';
import { OcppHandler, actionOf } from './ocpp-handler';
import { OcppSocket, SchemaValidator } from './ocpp-socket';
import { WriteBatcher } from '../charging/write-batcher';

export const OCPP_PROTOCOLS: OcppProtocol[] = ['ocpp1.6', 'ocpp2.0.1'];
/** How long a CALL of the CSMS waits for the charger's answer unless the caller says otherwise. */
const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const OCPP_PATH = /^\/ocpp\/([^/?#]+)\/?(?:\?.*)?$/;

// ocpp-rpc's strict-mode validators: the official JSON schemas of each version, compiled once.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VALIDATORS = require('ocpp-rpc/lib/standard-validators') as SchemaValidator[];
/** An HTTP token (RFC 9110 5.6.2): what each subprotocol name must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What a charger presents at the websocket upgrade. */
interface Handshake {
  identity: string;
  /** The subprotocols it offers. */
  protocols: Set<string>;
  /** The password of its HTTP Basic credentials, when the user name is its identity. */
  password?: Buffer;
  remoteAddress?: string;
}

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

/** What the handshake hands to the connection. */
interface HandshakeSession {
  organizationId: string;
  registrationStatus: RegistrationStatus;
  booted: boolean;
}

/**
 * The OCPP-J websocket endpoint at `/ocpp/{chargePointId}` on the gateway's HTTP server: authenticates
 * chargers at the upgrade, keeps one connection per charger (registered in the Redis node registry),
 * and routes each CALL to its (version, action) handler. Each connection is an OcppSocket, which checks
 * payloads against the version's schemas both ways; the server pings chargers that fell silent.
 */
@Injectable()
export class OcppServerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OcppServer');
  private wss!: WebSocketServer;
  /** The subprotocol each upgrade in progress was accepted with (read by `ws` as it completes). */
  private readonly upgrading = new WeakMap<IncomingMessage, OcppProtocol>();
  private readonly sockets = new Set<OcppSocket>();
  private pingSweep?: NodeJS.Timeout;
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
    const maxPayload = this.config.gateway.maxPayloadBytes;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload,
      handleProtocols: (_offered, req) => this.upgrading.get(req) ?? false,
    });
    const http: Server = this.adapterHost.httpAdapter.getHttpServer();
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = OCPP_PATH.exec(req.url ?? '');
      if (!path) {
        refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      this.upgrade(req, socket, head, path[1]);
    });
    this.startPingSweep();
  }

  /**
   * Pings every charger silent for an interval (a message from it proves the socket alive, so 10,000
   * busy chargers cost no pings), and drops one whose ping went unanswered for an interval. One timer
   * for all connections, checking a quarter of the interval at a time.
   */
  private startPingSweep(): void {
    const intervalMs = this.config.gateway.pingIntervalSeconds * 1000;
    if (intervalMs <= 0) return;
    this.pingSweep = setInterval(
      () => {
        const now = Date.now();
        for (const socket of this.sockets) {
          if (socket.pingSentMs) {
            if (now - socket.pingSentMs >= intervalMs) socket.terminate();
          } else if (now - socket.lastActivityMs >= intervalMs) {
            socket.ping(now);
          }
        }
      },
      Math.max(50, Math.floor(intervalMs / 4)),
    );
    this.pingSweep.unref();
  }

  /** Authenticates a charger's websocket upgrade, then completes it (or answers with the refusal). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, encodedIdentity: string): void {
    if (this.shuttingDown) {
      refuseUpgrade(socket, 503, 'Service unavailable');
      return;
    }
    let settled = false;
    const abandon = () => {
      settled = true;
    };
    // A charger that goes away during the check leaves nothing to answer.
    socket.once('close', abandon);
    socket.on('error', abandon);
    let handshake: Handshake;
    try {
      const identity = decodeURIComponent(encodedIdentity);
      const offered = req.headers['sec-websocket-protocol'];
      handshake = {
        identity,
        protocols: offered === undefined ? new Set() : parseSubprotocols(offered),
        password: basicPassword(req.headers.authorization, identity),
        remoteAddress: req.socket.remoteAddress,
      };
    } catch {
      refuseUpgrade(socket, 400, 'Bad Request');
      return;
    }
    this.authenticate(handshake)
      .catch((err: unknown) => {
        this.logger.error({ err, identity: handshake.identity }, 'Handshake failed');
        return { code: 503, message: 'Service unavailable' };
      })
      .then((result) => {
        socket.off('close', abandon);
        if (settled) return;
        if (this.shuttingDown) result = { code: 503, message: 'Service unavailable' };
        if (!('session' in result)) {
          refuseUpgrade(socket, result.code, result.message);
          return;
        }
        this.upgrading.set(req, result.protocol);
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          socket.off('error', abandon);
          this.onSocket(ws, handshake.identity, result.protocol, result.session);
        });
      });
  }

  /**
   * Unknown or decommissioned identity → 404; no common subprotocol → 400; wrong or missing password →
   * 401 unless the charger is explicitly on security profile 0. The previous password keeps working
   * until the charger connects with the new one.
   */
  private async authenticate(
    handshake: Handshake,
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

  private onSocket(
    ws: WebSocket,
    chargePointId: string,
    protocol: OcppProtocol,
    session: HandshakeSession,
  ): void {
    const now = this.clock.now();
    const handlers = this.handlers.get(protocol) ?? new Map<string, OcppHandler>();
    const inFlight = new CallsInFlight<string>();
    // Assigned before the socket can read a frame: the hooks run only from the socket's events.
    // eslint-disable-next-line prefer-const
    let connection: ChargerConnection;
    const client = new OcppSocket(
      ws,
      {
        identity: chargePointId,
        protocol,
        validator: VALIDATORS.find((v) => v.subprotocol === protocol)!,
        maxBadMessages: this.config.gateway.maxBadMessages,
        callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      },
      {
        handles: (action) => handlers.has(action),
        call: (action, params, messageId) =>
          this.dispatch(connection, action, handlers.get(action)!, params, messageId),
        frame: (direction, text) => this.messages.record(chargePointId, direction, text, inFlight),
        badMessage: (error) => this.logger.warn({ chargePointId, err: error.message }, 'Bad OCPP message'),
        invalidResponse: (action, err) =>
          this.logger.error({ chargePointId, action, err }, 'OCPP answer fails its schema'),
        closed: (code, reason) => {
          this.sockets.delete(client);
          void this.onClose(connection, code, reason);
        },
      },
    );
    this.sockets.add(client);
    connection = {
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
    clearInterval(this.pingSweep);
    await Promise.all([...this.sockets].map((socket) => socket.close({ code: 1001, force: true })));
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    // Disconnections recorded just before the shutdown began are written before the database closes.
    await this.disconnectedWrites.drained();
    await this.messages.flush();
    await this.registry
      .removeNode(this.nodeId)
      .catch((err) => this.logger.warn({ err }, 'Could not remove the node from the registry'));
  }
}

/**
 * The password of HTTP Basic credentials whose user name is `identity`. Read as bytes: the identity
 * may hold colons, and OCPP's security profile 1 allows binary passwords.
 */
function basicPassword(authorization: string | undefined, identity: string): Buffer | undefined {
  const encoded = /^ *[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9._~+/-]+=*) *$/.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const credentials = Buffer.from(encoded, 'base64');
  const user = Buffer.from(`${identity}:`);
  if (credentials.length < user.length || credentials.compare(user, 0, user.length, 0, user.length) !== 0) {
    return undefined;
  }
  return credentials.subarray(user.length);
}

/** The subprotocols of a Sec-WebSocket-Protocol header; throws on a malformed or repeated name. */
function parseSubprotocols(header: string): Set<string> {
  const names = new Set<string>();
  for (const part of header.split(',')) {
    const name = part.trim();
    if (!TOKEN.test(name) || names.has(name)) throw new Error('Invalid Sec-WebSocket-Protocol header');
    names.add(name);
  }
  return names;
}

/** Answers a websocket upgrade with an HTTP error and closes the socket. */
function refuseUpgrade(socket: Duplex, code: number, message: string): void {
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  }
  socket.destroy();
}
