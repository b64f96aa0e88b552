import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client';
import { sleep } from './processes';

/** What became of one message a charger sent. */
export type Outcome = 'result' | 'error' | 'no_answer';

export interface SentMessage {
  action: string;
  /** The charger's timestamp of the message (unique per charger), when it has one. */
  timestamp?: string;
  outcome: Outcome;
  /** CALLERROR code, or why there was no answer. */
  detail?: string;
  response?: any;
}

export interface MeterSample {
  timestamp: string;
  wh: number;
  /** Attempts until a CALLRESULT (each failed attempt is retried, as a charger retries transaction messages). */
  attempts: number;
  acknowledged: boolean;
}

export interface CsmsCall {
  method: string;
  params: any;
}

/** Answers that pass the OCPP 1.6 schema for the CALLs the scenarios send (others: Accepted). */
const DEFAULT_ANSWERS: Record<string, (params: any) => any> = {
  GetConfiguration: (params) => ({
    configurationKey: (params.key ?? ['HeartbeatInterval']).map((key: string) => ({
      key,
      readonly: false,
      value: '60',
    })),
  }),
};

/**
 * An OCPP 1.6 charger played by the test: a real ocpp-rpc client in strict mode that records every
 * message it sent and what came back, and every CALL the CSMS sent it. Reconnecting (to the same or
 * another gateway node) keeps the records: it is the same charger on a new websocket.
 */
export class FaultCharger {
  readonly sent: SentMessage[] = [];
  readonly samples: MeterSample[] = [];
  readonly received: CsmsCall[] = [];
  /** CALLs the charger keeps unanswered (it never replies to them). */
  readonly holding = new Set<string>();
  readonly answers = new Map<string, (params: any) => any>();
  transactionId?: number;
  meterStart = 0;
  meter = 0;
  private client?: RPCClient;
  private lastTimestamp = 0;
  /** Set at the end of a scenario: retry loops give up at once. */
  retired = false;
  /** Reconnect to the last endpoint before sending when the socket was closed (as chargers do). */
  autoReconnect = false;
  private endpoint?: string;
  connects = 0;

  constructor(
    readonly identity: string,
    readonly password: string,
    private readonly callTimeoutMs = 8000,
  ) {}

  get connected(): boolean {
    return Boolean(this.client && (this.client as any).state === 1);
  }

  async connect(endpoint: string): Promise<void> {
    await this.drop();
    const client = new RPCClient({
      endpoint,
      identity: this.identity,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
      password: this.password,
      callTimeoutMs: this.callTimeoutMs,
      pingIntervalMs: 0,
    } as Partial<RPC_ClientOptions> as RPC_ClientOptions);
    client.handle(({ method, params }) => {
      this.received.push({ method: method!, params });
      if (this.holding.has(method!)) return new Promise(() => undefined);
      const answer = this.answers.get(method!) ?? DEFAULT_ANSWERS[method!];
      return answer ? answer(params) : { status: 'Accepted' };
    });
    client.on('error', () => undefined);
    this.endpoint = endpoint;
    await client.connect();
    this.client = client;
    this.connects++;
  }

  /** Closes the websocket from the charger's side without a goodbye (as when its node vanished). */
  /** Ends the charger for good (scenario over, or failed): closes it and stops its retries. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.drop();
  }

  async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close({ code: 1000, force: true }).catch(() => undefined);
  }

  /** A timestamp after every earlier one of this charger: it identifies the message in Postgres. */
  nextTimestamp(): string {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return new Date(this.lastTimestamp).toISOString();
  }

  /** Sends one CALL and records what became of it; never throws. */
  async send(action: string, payload: any, timestamp?: string): Promise<SentMessage> {
    const record: SentMessage = { action, timestamp, outcome: 'no_answer' };
    try {
      if (!this.connected && this.autoReconnect && this.endpoint && !this.retired) {
        await this.connect(this.endpoint);
      }
      if (!this.client) throw new Error('not connected');
      record.response = await this.client.call(action, payload);
      record.outcome = 'result';
    } catch (err: any) {
      if (err?.rpcErrorCode) {
        record.outcome = 'error';
        record.detail = err.rpcErrorCode;
      } else {
        record.detail = err?.message ?? String(err);
      }
    }
    this.sent.push(record);
    return record;
  }

  /** Sends until a CALLRESULT comes back, as a charger does with transaction messages; bounded. */
  async sendUntilAccepted(
    action: string,
    payload: any,
    timestamp?: string,
    timeoutMs = 120_000,
  ): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await this.send(action, payload, timestamp);
      if (record.outcome === 'result') return record.response;
      if (Date.now() > deadline || this.retired) {
        throw new Error(`${this.identity}: ${action} not accepted within ${timeoutMs} ms (${record.detail})`);
      }
      await sleep(500);
    }
  }

  async boot(): Promise<void> {
    const res = await this.sendUntilAccepted('BootNotification', {
      chargePointVendor: 'Faults',
      chargePointModel: 'Crash-1',
    });
    if (res.status !== 'Accepted') throw new Error(`${this.identity} boot ${res.status}`);
  }

  status(status: string, connectorId = 1): Promise<SentMessage> {
    const timestamp = this.nextTimestamp();
    return this.send(
      'StatusNotification',
      { connectorId, errorCode: 'NoError', status, timestamp },
      timestamp,
    );
  }

  heartbeat(): Promise<SentMessage> {
    return this.send('Heartbeat', {});
  }

  async startTransaction(idTag: string, meterStart: number): Promise<number> {
    const timestamp = this.nextTimestamp();
    const res = await this.sendUntilAccepted(
      'StartTransaction',
      { connectorId: 1, idTag, meterStart, timestamp },
      timestamp,
    );
    if (res.idTagInfo?.status !== 'Accepted')
      throw new Error(`${this.identity} start ${res.idTagInfo?.status}`);
    this.transactionId = res.transactionId;
    this.meterStart = meterStart;
    this.meter = meterStart;
    return res.transactionId;
  }

  /** One periodic sample of the energy register, retried until acknowledged. */
  async meterValue(addWh: number, timeoutMs?: number): Promise<MeterSample> {
    this.meter += addWh;
    const sample: MeterSample = {
      timestamp: this.nextTimestamp(),
      wh: this.meter,
      attempts: 0,
      acknowledged: false,
    };
    this.samples.push(sample);
    const payload = {
      connectorId: 1,
      transactionId: this.transactionId,
      meterValue: [
        {
          timestamp: sample.timestamp,
          sampledValue: [
            {
              value: String(sample.wh),
              context: 'Sample.Periodic',
              measurand: 'Energy.Active.Import.Register',
              unit: 'Wh',
            },
          ],
        },
      ],
    };
    const deadline = Date.now() + (timeoutMs ?? 120_000);
    for (;;) {
      sample.attempts++;
      const record = await this.send('MeterValues', payload, sample.timestamp);
      if (record.outcome === 'result') {
        sample.acknowledged = true;
        return sample;
      }
      if (Date.now() > deadline || this.retired) {
        throw new Error(`${this.identity}: MeterValues never accepted (${record.detail})`);
      }
      await sleep(500);
    }
  }

  async stopTransaction(): Promise<void> {
    const timestamp = this.nextTimestamp();
    await this.sendUntilAccepted(
      'StopTransaction',
      { transactionId: this.transactionId, meterStop: this.meter, timestamp, reason: 'Local' },
      timestamp,
    );
  }

  callsOf(method: string): CsmsCall[] {
    return this.received.filter((c) => c.method === method);
  }

  count(action: string, outcome?: Outcome): number {
    return this.sent.filter((m) => m.action === action && (!outcome || m.outcome === outcome)).length;
  }
}

/** Totals over a set of chargers, for the figures a scenario prints. */
export function tally(chargers: FaultCharger[]): {
  sent: number;
  acknowledged: number;
  refused: number;
  unanswered: number;
} {
  const all = chargers.flatMap((c) => c.sent);
  return {
    sent: all.length,
    acknowledged: all.filter((m) => m.outcome === 'result').length,
    refused: all.filter((m) => m.outcome === 'error').length,
    unanswered: all.filter((m) => m.outcome === 'no_answer').length,
  };
}
