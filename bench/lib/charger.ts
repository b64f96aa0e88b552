import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
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

/** RFC 6455: the GUID the server appends to the client's key for Sec-WebSocket-Accept. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const Opcode = { Continuation: 0x0, Text: 0x1, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;
type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Masking keys, drawn from a pool of random bytes refilled when used up (one getrandom call per 1,024). */
let maskPool = randomBytes(4096);
let maskOffset = 0;
function nextMask(): number {
  if (maskOffset === maskPool.length) {
    maskPool = randomBytes(4096);
    maskOffset = 0;
  }
  const mask = maskPool.readUInt32BE(maskOffset);
  maskOffset += 4;
  return mask;
}

/** A client frame (RFC 6455 §5.2): final, masked with a fresh random key, as one buffer for one write. */
function clientFrame(opcode: Opcode, payload: Buffer | string): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const header = length < 126 ? 6 : length < 65536 ? 8 : 14;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.writeUInt32BE(nextMask(), header - 4);
  if (typeof payload === 'string') frame.write(payload, header);
  else payload.copy(frame, header);
  for (let i = 0; i < length; i++) frame[header + i] ^= frame[header - 4 + (i & 3)];
  return frame;
}

/**
 * A lean OCPP-J 1.6 charger for load generation: its own websocket client on a raw socket (the HTTP
 * upgrade, then RFC 6455 frames written and parsed here, so that the gateway's websocket library is
 * checked against an independent peer), one CALL in flight at a time (as OCPP requires),
 * CALL→CALLRESULT latency recorded per action.
 */
export class BenchCharger {
  private socket?: Socket;
  private pending?: Pending;
  private readonly queue: Array<() => void> = [];
  private seq = 0;
  /** The bytes of a frame not yet whole, and the parts of a fragmented message. */
  private partial?: Buffer;
  private fragments: Buffer[] = [];
  private closing = false;
  connected = false;

  constructor(readonly options: ChargerOptions) {}

  connect(timeoutMs = 30_000): Promise<number> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      const url = new URL(`${this.options.url}/${encodeURIComponent(this.options.identity)}`);
      const headers: Record<string, string> = {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Protocol': 'ocpp1.6',
      };
      if (this.options.password !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(`${this.options.identity}:${this.options.password}`).toString('base64')}`;
      }
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers,
        agent: false,
        localAddress: this.options.localAddress,
      });
      const timer = setTimeout(() => req.destroy(new Error('handshake timed out')), timeoutMs);
      req.once('response', (res) => {
        clearTimeout(timer);
        res.resume();
        reject(new Error(`handshake refused: HTTP ${res.statusCode}`));
      });
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.once('upgrade', (res, socket, head) => {
        clearTimeout(timer);
        const accept = createHash('sha1')
          .update(key + WEBSOCKET_GUID)
          .digest('base64');
        if (
          res.headers['sec-websocket-accept'] !== accept ||
          res.headers['sec-websocket-protocol'] !== 'ocpp1.6'
        ) {
          socket.destroy();
          reject(new Error('handshake refused: wrong Sec-WebSocket-Accept or subprotocol'));
          return;
        }
        this.socket = socket;
        socket.setNoDelay(true);
        socket.on('data', (chunk: Buffer) => this.onData(chunk));
        socket.on('error', (err) => this.options.onError?.(`socket: ${err.message}`));
        socket.on('close', () => {
          this.connected = false;
          this.pending?.reject(new Error('closed'));
          this.pending = undefined;
        });
        this.connected = true;
        if (head.length > 0) this.onData(head);
        resolve(performance.now() - started);
      });
      req.end();
    });
  }

  /** Server frames (RFC 6455 §5.2, never masked), parsed as they arrive; a frame split over reads waits. */
  private onData(chunk: Buffer): void {
    const data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    let offset = 0;
    while (data.length - offset >= 2) {
      const first = data[offset];
      const second = data[offset + 1];
      let length = second & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = data.readUInt32BE(start) * 2 ** 32 + data.readUInt32BE(start + 4);
        start += 8;
      }
      if (second & 0x80) {
        this.options.onError?.('masked frame from the server');
        this.socket?.destroy();
        return;
      }
      if (data.length < start + length) break;
      const payload = data.subarray(start, start + length);
      offset = start + length;
      this.onFrame(first & 0x0f, (first & 0x80) !== 0, payload);
    }
    if (offset < data.length) this.partial = data.subarray(offset);
  }

  private onFrame(opcode: number, final: boolean, payload: Buffer): void {
    switch (opcode) {
      case Opcode.Text:
      case Opcode.Continuation:
        this.fragments.push(payload);
        if (!final) return;
        this.onMessage(
          this.fragments.length === 1 ? payload.toString() : Buffer.concat(this.fragments).toString(),
        );
        this.fragments = [];
        return;
      case Opcode.Ping:
        this.socket?.write(clientFrame(Opcode.Pong, payload));
        return;
      case Opcode.Pong:
        return;
      case Opcode.Close:
        if (!this.closing) {
          this.closing = true;
          this.socket?.write(clientFrame(Opcode.Close, payload.subarray(0, 2)));
        }
        this.socket?.end();
        return;
      default:
        this.options.onError?.(`unexpected opcode ${opcode}`);
    }
  }

  private send(text: string): void {
    this.socket?.write(clientFrame(Opcode.Text, text));
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
      this.send(JSON.stringify([3, id, reply]));
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
    return this.callJson<T>(action, JSON.stringify(payload));
  }

  /** {@link call} with the payload already serialized (`payloadJson`: a JSON object). */
  callJson<T = any>(action: string, payloadJson: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const send = () => {
        if (!this.socket || !this.connected) {
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
        this.send(`[2,${JSON.stringify(id)},${JSON.stringify(action)},${payloadJson}]`);
      };
      if (this.pending) this.queue.push(send);
      else send();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const socket = this.socket;
      if (!socket || socket.destroyed) return resolve();
      socket.once('close', () => resolve());
      if (!this.closing) {
        this.closing = true;
        const normal = Buffer.alloc(2);
        normal.writeUInt16BE(1000);
        socket.write(clientFrame(Opcode.Close, normal));
      }
      setTimeout(() => {
        socket.destroy();
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

/**
 * `JSON.stringify(meterValues(connectorId, transactionId, energyWh))`, built from its constant parts:
 * the same bytes on the wire, without the load generator building and serializing ten objects for every
 * message (its own collections count in the latencies it measures).
 */
export function meterValuesJson(
  connectorId: number,
  transactionId: number | undefined,
  energyWh: number,
): string {
  const tx = transactionId !== undefined ? `,"transactionId":${transactionId}` : '';
  return (
    `{"connectorId":${connectorId}${tx},"meterValue":[{"timestamp":"${new Date().toISOString()}",` +
    `"sampledValue":[{"value":"${energyWh.toFixed(1)}"${METER_VALUES_TAIL}`
  );
}

/** What follows the energy register's value in a serialized {@link meterValues}: always the same. */
const METER_VALUES_TAIL = (() => {
  const whole = JSON.stringify(meterValues(1, undefined, 0));
  const head = '"value":"0.0"';
  return whole.slice(whole.indexOf(head) + head.length);
})();

export const randomPassword = () => randomBytes(20).toString('hex');
