import { RPCClient } from 'ocpp-rpc';
import type { RunningApp } from './harness';
import { bearer } from './session';

export type Protocol = 'ocpp1.6' | 'ocpp2.0.1';

export interface ChargerOptions {
  port: number;
  identity: string;
  protocol?: Protocol | Protocol[];
  password?: string;
  /** Skip the client's own schema validation, to send payloads the server must refuse. */
  strict?: boolean;
}

/** A real OCPP-J client playing the charger (ocpp-rpc's typings mark every option required). */
export function charger(options: ChargerOptions): RPCClient {
  const protocols = Array.isArray(options.protocol) ? options.protocol : [options.protocol ?? 'ocpp1.6'];
  return new RPCClient({
    endpoint: `ws://127.0.0.1:${options.port}/ocpp`,
    identity: options.identity,
    protocols,
    strictMode: options.strict ?? false,
    reconnect: false,
    password: options.password ?? null,
    callTimeoutMs: 10_000,
    pingIntervalMs: 0,
  } as never);
}

export async function connectCharger(options: ChargerOptions): Promise<RPCClient> {
  const client = charger(options);
  await client.connect();
  return client;
}

/** The handshake's HTTP status when the gateway refuses the charger. */
export async function handshakeStatus(options: ChargerOptions): Promise<number | 'connected'> {
  const client = charger(options);
  try {
    await client.connect();
    await client.close({ force: true });
    return 'connected';
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

export interface ChargePointSeed {
  id: string;
  password?: string;
  [field: string]: unknown;
}

let counter = 0;
export function uniqueIdentity(label = 'cp'): string {
  counter += 1;
  return `${label}_${Date.now().toString(36)}_${counter}`;
}

/** Registers a charge point through the api (with a password unless security profile 0). */
export async function aChargePoint(
  api: RunningApp,
  token: string,
  fields: Partial<ChargePointSeed> = {},
): Promise<{ id: string; password: string }> {
  const id = fields.id ?? uniqueIdentity();
  const password = fields.password ?? 'charger-secret-0123456789';
  const body: Record<string, unknown> = { id, name: `Charger ${id}`, password, ...fields };
  if (body.security_profile === 0) delete body.password;
  const res = await api.http().post('/api/v1/charge-points').set(bearer(token)).send(body);
  if (res.status !== 201)
    throw new Error(`charge point creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, password };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}
