import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client';
import { DataSource } from 'typeorm';
import { hashChargerPassword } from '@csms/auth';
import { ChargePoint, ExpectedOcppVersion, SecurityProfile } from '@csms/domain';
import type { RunningApp } from './harness';

export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

export interface ReceivedCall {
  method: string;
  params: Record<string, any>;
}

type Responder = (params: Record<string, any>) => unknown;

/** Answers a charger gives by default to each CSMS-initiated message (valid in strict mode). */
const DEFAULT_ANSWERS: Record<OcppProtocol, Record<string, Responder>> = {
  'ocpp1.6': {
    UnlockConnector: () => ({ status: 'Unlocked' }),
    GetConfiguration: () => ({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
    }),
    UpdateFirmware: () => ({}),
    GetDiagnostics: () => ({ fileName: 'diagnostics.zip' }),
    GetLocalListVersion: () => ({ listVersion: 3 }),
    GetCompositeSchedule: () => ({ status: 'Accepted', connectorId: 1 }),
  },
  'ocpp2.0.1': {
    UnlockConnector: () => ({ status: 'Unlocked' }),
    GetVariables: (p) => ({
      getVariableResult: p.getVariableData.map((d: any) => ({
        attributeStatus: 'Accepted',
        component: d.component,
        variable: d.variable,
        attributeValue: '300',
      })),
    }),
    SetVariables: (p) => ({
      setVariableResult: p.setVariableData.map((d: any) => ({
        attributeStatus: 'Accepted',
        component: d.component,
        variable: d.variable,
      })),
    }),
    GetLocalListVersion: () => ({ versionNumber: 3 }),
    GetTransactionStatus: () => ({ messagesInQueue: false }),
  },
};

/**
 * A charger played by the test: a real ocpp-rpc client in strict mode (so every CALL the CSMS sends
 * must pass the official schema), recording what it receives and answering as told.
 */
export class TestCharger {
  readonly client: RPCClient;
  readonly received: ReceivedCall[] = [];
  private readonly responders = new Map<string, Responder>();
  private waiters: Array<{ method?: string; resolve: (call: ReceivedCall) => void }> = [];
  private readonly claimed = new Set<ReceivedCall>();

  constructor(
    gateway: RunningApp,
    readonly identity: string,
    readonly protocol: OcppProtocol,
    password?: string,
  ) {
    const options: Partial<RPC_ClientOptions> = {
      endpoint: `ws://127.0.0.1:${gateway.port}/ocpp`,
      identity,
      protocols: [protocol],
      strictMode: true,
      reconnect: false,
      callTimeoutMs: 10_000,
      password: password ?? null,
    };
    this.client = new RPCClient(options as RPC_ClientOptions);
    this.client.handle(async ({ method, params }) => {
      const call = { method: method!, params: (params ?? {}) as Record<string, any> };
      this.received.push(call);
      const waiter = this.waiters.find((w) => !w.method || w.method === call.method);
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.claimed.add(call);
        waiter.resolve(call);
      }
      const responder =
        this.responders.get(call.method) ??
        DEFAULT_ANSWERS[this.protocol][call.method] ??
        (() => ({ status: 'Accepted' }));
      return (await responder(call.params)) as Record<string, any>;
    });
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  /** How the charger answers `method` from now on. */
  answer(method: string, responder: Responder): void {
    this.responders.set(method, responder);
  }

  /** Makes `method` hang until the returned `release` is called with the answer. */
  hold(method: string): { release: (answer: unknown) => void } {
    let release!: (answer: unknown) => void;
    const answer = new Promise((resolve) => (release = resolve));
    this.answer(method, () => answer);
    return { release: (value) => release(value) };
  }

  /** The next CALL (of `method`) the charger receives, or one it already received and nobody took. */
  nextCall(method?: string, timeoutMs = 5000): Promise<ReceivedCall> {
    const earlier = this.received.find((c) => !this.claimed.has(c) && (!method || c.method === method));
    if (earlier) {
      this.claimed.add(earlier);
      return Promise.resolve(earlier);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.identity} received no ${method ?? 'call'} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        method,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      });
    });
  }

  callsOf(method: string): ReceivedCall[] {
    return this.received.filter((c) => c.method === method);
  }

  async close(): Promise<void> {
    await this.client.close({ code: 1000, force: true }).catch(() => undefined);
  }
}

/** Inserts a registered charge point for `orgId` straight into the database (its REST lives elsewhere). */
export async function aChargePoint(
  app: RunningApp,
  orgId: string,
  overrides: {
    id: string;
    ocppVersion?: ExpectedOcppVersion;
    securityProfile?: SecurityProfile;
    password?: string;
  },
): Promise<ChargePoint> {
  const repo = app.app.get(DataSource).getRepository(ChargePoint);
  await repo.insert({
    id: overrides.id,
    organizationId: orgId,
    name: overrides.id,
    ocppVersion: overrides.ocppVersion ?? 'auto',
    securityProfile: overrides.securityProfile ?? (overrides.password ? 1 : 0),
    passwordHash: overrides.password ? hashChargerPassword(overrides.password) : null,
  });
  return repo.findOneByOrFail({ id: overrides.id });
}

/** Polls until `check` passes (for state that changes asynchronously, e.g. a worker finishing). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
