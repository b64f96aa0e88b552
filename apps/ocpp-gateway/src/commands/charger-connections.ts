/**
 * What the command worker needs from the part of the gateway that holds the chargers' websockets.
 * Whoever owns the connections (ocpp/connections.service.ts today) provides it under CHARGER_CONNECTIONS.
 */
export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

export interface ChargerCallOptions {
  callTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ChargerConnection {
  readonly protocol: OcppProtocol;
  /** Sends a CALL and resolves with the CALLRESULT payload; rejects with ocpp-rpc's RPCError on CALLERROR, TimeoutError on timeout. */
  call(method: string, params: Record<string, unknown>, options?: ChargerCallOptions): Promise<unknown>;
}

export type ConnectedListener = (chargePointId: string) => void;

export interface ChargerConnections {
  /** The live connection of a charger on this node, if any. */
  get(chargePointId: string): ChargerConnection | undefined;
  /** Called after a charger connected to this node and was registered in the connection registry; returns an unsubscribe. */
  onConnected(listener: ConnectedListener): () => void;
}

export const CHARGER_CONNECTIONS = Symbol('CHARGER_CONNECTIONS');

export function versionOfProtocol(protocol: OcppProtocol): '1.6' | '2.0.1' {
  return protocol === 'ocpp2.0.1' ? '2.0.1' : '1.6';
}
