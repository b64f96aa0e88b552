import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Latencies } from './stats';

export interface ChargerOptions {
  url: string;
  identity: string;
  password?: string;
  /** Source address (127.x.y.z): spreading chargers over several keeps runs clear of ephemeral-port reuse. */
  localAddress?: string;
  latencies: Latencies;
  onError?: (what: string) => void;
  /** Answers to server-initiated CALLs (remote commands); default: `{ status: 'Accepted' }`. */
  answer?: (action: string, payload: unknown) => unknown;
  onServerCall?: (action: string, payload: unknown) => void;
}

interface Pending {
  action: string;
  sentAt: number;
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * A lean OCPP-J 1.6 charger for load generation: raw websocket frames, one CALL in flight at a time
 * (as OCPP requires), CALL→CALLRESULT latency recorded per action. Deliberately not the server's library.
 */
export class BenchCharger {
  private ws?: WebSocket;
  private pending?: Pending;
  private readonly queue: Array<() => void> = [];
  private seq = 0;
  connected = false;

  constructor(readonly options: ChargerOptions) {}

  connect(timeoutMs = 30_000): Promise<number> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (this.options.password !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(`${this.options.identity}:${this.options.password}`).toString('base64')}`;
      }
      const ws = new WebSocket(
        `${this.options.url}/${encodeURIComponent(this.options.identity)}`,
        ['ocpp1.6'],
        {
          headers,
          handshakeTimeout: timeoutMs,
          perMessageDeflate: false,
          localAddress: this.options.localAddress,
        },
      );
      this.ws = ws;
      ws.once('open', () => {
        this.connected = true;
        resolve(performance.now() - started);
      });
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`handshake refused: HTTP ${res.statusCode}`)),
      );
      ws.on('error', (err) => {
        if (!this.connected) reject(err);
        else this.options.onError?.(`socket: ${err.message}`);
      });
      ws.on('close', () => {
        this.connected = false;
        this.pending?.reject(new Error('closed'));
        this.pending = undefined;
      });
      ws.on('message', (data) => this.onMessage(data.toString()));
    });
  }

  private onMessage(text: string): void {
    let frame: unknown[];
    try {
      frame = JSON.parse(text);
    } catch {
      this.options.onError?.('bad json from server');
      return;
    }
    const [type, id] = frame as [number, string];
    if (type === 2) {
      const [, , action, payload] = frame as [number, string, string, unknown];
      this.options.onServerCall?.(action, payload);
      const reply = this.options.answer ? this.options.answer(action, payload) : { status: 'Accepted' };
      this.ws?.send(JSON.stringify([3, id, reply]));
      return;
    }
    const pending = this.pending;
    if (!pending || `${this.options.identity}-${this.seq}` !== id) {
      this.options.onError?.(`unexpected reply ${id}`);
      return;
    }
    this.pending = undefined;
    const elapsed = performance.now() - pending.sentAt;
    if (type === 3) {
      this.options.latencies.record(pending.action, elapsed, pending.sentAt);
      pending.resolve(frame[2]);
    } else {
      this.options.onError?.(`CALLERROR ${pending.action}: ${String(frame[2])} ${String(frame[3])}`);
      pending.reject(new Error(`CALLERROR ${String(frame[2])}`));
    }
    this.queue.shift()?.();
  }

  /** Sends a CALL after the one in flight is answered; resolves with the CALLRESULT payload. */
  call<T = any>(action: string, payload: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const send = () => {
        if (!this.ws || !this.connected) {
          reject(new Error('not connected'));
          this.queue.shift()?.();
          return;
        }
        this.seq += 1;
        const id = `${this.options.identity}-${this.seq}`;
        this.pending = {
          action,
          sentAt: performance.now(),
          resolve: resolve as (p: unknown) => void,
          reject,
        };
        this.ws.send(JSON.stringify([2, id, action, payload]));
      };
      if (this.pending) this.queue.push(send);
      else send();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
      setTimeout(() => {
        this.ws?.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

export const bootNotification = (i: number) => ({
  chargePointVendor: 'BenchVendor',
  chargePointModel: 'LoadModel-22',
  chargePointSerialNumber: `SN${String(i).padStart(8, '0')}`,
  firmwareVersion: '1.0.0',
});

/** One realistic sampled-value set: energy register, power, current and voltage per phase, SoC. */
export function meterValues(connectorId: number, transactionId: number | undefined, energyWh: number) {
  const v = (value: number, measurand: string, unit: string, phase?: string) => ({
    value: value.toFixed(1),
    measurand,
    unit,
    context: 'Sample.Periodic',
    location: measurand === 'SoC' ? 'EV' : 'Outlet',
    ...(phase ? { phase } : {}),
  });
  return {
    connectorId,
    ...(transactionId !== undefined ? { transactionId } : {}),
    meterValue: [
      {
        timestamp: new Date().toISOString(),
        sampledValue: [
          v(energyWh, 'Energy.Active.Import.Register', 'Wh'),
          v(11000, 'Power.Active.Import', 'W'),
          v(16, 'Current.Import', 'A', 'L1'),
          v(16, 'Current.Import', 'A', 'L2'),
          v(16, 'Current.Import', 'A', 'L3'),
          v(230, 'Voltage', 'V', 'L1-N'),
          v(230, 'Voltage', 'V', 'L2-N'),
          v(230, 'Voltage', 'V', 'L3-N'),
          v(55, 'SoC', 'Percent'),
          v(22000, 'Power.Offered', 'W'),
        ],
      },
    ],
  };
}

export const randomPassword = () => randomBytes(20).toString('hex');
