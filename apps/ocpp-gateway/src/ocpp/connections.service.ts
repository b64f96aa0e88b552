import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { OcppVersion, RegistrationStatus } from '@csms/domain';
import type { OcppSocket } from './ocpp-socket';

export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

export const PROTOCOL_VERSIONS: Record<OcppProtocol, OcppVersion> = {
  'ocpp1.6': '1.6',
  'ocpp2.0.1': '2.0.1',
};

/** A charger's live websocket on this node, with what its messages need without asking the database. */
export interface ChargerConnection {
  chargePointId: string;
  organizationId: string;
  protocol: OcppProtocol;
  version: OcppVersion;
  client: OcppSocket;
  connectedAt: Date;
  /** What the last BootNotification was answered (or the stored status until the charger boots). */
  registrationStatus: RegistrationStatus;
  /** 2.0.1: whether the charger may send anything but BootNotification. */
  accepted: boolean;
  /** When `last_seen_at` was last written, to write it at most once a minute. */
  lastSeenWrittenMs: number;
  /** Session ids of this charger's 1.6 transaction ids, once looked up (a session never changes its key). */
  sessionIds?: Map<string, string>;
}

export interface ConnectionEvents {
  connected: [ChargerConnection];
  /** After `connected`, once the connection is in the node registry (commands can be routed to it). */
  registered: [ChargerConnection];
  disconnected: [ChargerConnection];
}

/**
 * The chargers connected to this gateway node. The command worker sends CALLs through `get(id)`; it can
 * listen to `connected` (e.g. to deliver commands queued until the charger reconnects) and `disconnected`.
 */
@Injectable()
export class ConnectionsService extends EventEmitter<ConnectionEvents> {
  private readonly connections = new Map<string, ChargerConnection>();

  /** The OCPP-J socket of a connected charger (`client.call(action, payload)`). */
  get(chargePointId: string): OcppSocket | undefined {
    return this.connections.get(chargePointId)?.client;
  }

  /** The full connection record: protocol, organization, registration state. */
  connection(chargePointId: string): ChargerConnection | undefined {
    return this.connections.get(chargePointId);
  }

  protocolOf(chargePointId: string): OcppProtocol | undefined {
    return this.connections.get(chargePointId)?.protocol;
  }

  isConnected(chargePointId: string): boolean {
    return this.connections.has(chargePointId);
  }

  ids(): string[] {
    return [...this.connections.keys()];
  }

  get size(): number {
    return this.connections.size;
  }

  /** Registers a new connection; returns the one it replaces (the caller closes it). */
  add(connection: ChargerConnection): ChargerConnection | undefined {
    const previous = this.connections.get(connection.chargePointId);
    this.connections.set(connection.chargePointId, connection);
    this.emit('connected', connection);
    return previous;
  }

  /** Forgets a connection if it is still the current one for its charger; true when it was. */
  remove(connection: ChargerConnection): boolean {
    if (this.connections.get(connection.chargePointId) !== connection) return false;
    this.connections.delete(connection.chargePointId);
    this.emit('disconnected', connection);
    return true;
  }
}
