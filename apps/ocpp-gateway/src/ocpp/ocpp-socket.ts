import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { RPCError, TimeoutError, createRPCError } from 'ocpp-rpc';
import { callErrorFrame } from './call-errors';
import { CallsInFlight } from './calls-in-flight';
import type { OcppProtocol } from './connections.service';

const CALL = 2;
const CALLRESULT = 3;
const CALLERROR = 4;
/** `ws` ready states. */
export const SOCKET_OPEN = 1;

/** ocpp-rpc's strict-mode validator of one subprotocol (the official JSON schemas). */
export interface SchemaValidator {
  readonly subprotocol: string;
  /** Throws an RPCError (code by the failing schema keyword, details `{ errors, data }`) when invalid. */
  validate(schemaId: string, payload: unknown): boolean;
}

export interface OcppSocketHooks {
  /** Whether a handler answers `action`; a CALL of any other action is answered NotImplemented. */
  handles(action: string): boolean;
  /** Answers a CALL; an RPCError it throws goes back as that CALLERROR, anything else as InternalError. */
  call(action: string, params: unknown, messageId: string): Promise<unknown>;
  /** Every frame as sent or received, before it is parsed. */
  frame(direction: 'in' | 'out', text: string): void;
  /** A frame that could not be processed (answered with a CALLERROR unless it was an answer itself). */
  badMessage(error: Error): void;
  /** A CALLRESULT of ours that fails the schema: the charger gets InternalError instead. */
  invalidResponse(action: string, error: Error): void;
  closed(code: number, reason: string): void;
}

export interface OcppSocketOptions {
  identity: string;
  protocol: OcppProtocol;
  validator: SchemaValidator;
  /** Bad frames in a row before the connection is closed with 1002. */
  maxBadMessages: number;
  /** How long an outbound CALL waits for its answer by default. */
  callTimeoutMs: number;
}

export interface CallOptions {
  callTimeoutMs?: number;
  signal?: AbortSignal;
}

interface OutboundCall {
  method: string;
  params: unknown;
  options: CallOptions;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
  id?: string;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

/** A frame that breaks OCPP-J's RPC framing: answered with `code`, counted as a bad message. */
class FrameError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One charger's OCPP-J connection on the server side: reads CALLs and answers them through the hooks,
 * sends the CSMS's own CALLs one at a time and matches their answers. Payloads in both directions are
 * checked against the version's JSON schemas (ocpp-rpc's strict-mode validators), and every CALLERROR
 * carries the codes of the charger's OCPP-J version.
 *
 * Per message it does the least it can: one JSON.parse and one JSON.stringify, one promise (the
 * handler's), no timers. Keep-alive pings are sent by the server's sweep (`idleSince`, `pinged`), not
 * by a timer per connection.
 */
export class OcppSocket {
  /** When the charger was last heard from (any frame or a pong), in ms since the epoch. */
  lastActivityMs = Date.now();
  /** When the keep-alive ping now unanswered was sent, or 0. */
  pingSentMs = 0;
  private badMessages = 0;
  /** Message ids of the charger's CALLs being answered (a duplicate id is refused). */
  private readonly answering = new CallsInFlight<true>();
  private readonly outbound: OutboundCall[] = [];
  private inFlight: OutboundCall | undefined;
  private closing: Promise<{ code: number; reason: string }> | undefined;
  /** How the websocket closed, once it has. */
  private closed: { code: number; reason: string } | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: OcppSocketOptions,
    private readonly hooks: OcppSocketHooks,
  ) {
    // A binary frame is read as text too: it fails as JSON unless it is one.
    ws.on('message', (data: Buffer) => this.onFrame(data));
    ws.on('pong', () => {
      this.lastActivityMs = Date.now();
      this.pingSentMs = 0;
    });
    // Errors on the socket (a peer that resets it) end in 'close'; nothing else to do with them.
    ws.on('error', () => undefined);
    ws.once('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString('utf8')));
  }

  get identity(): string {
    return this.options.identity;
  }

  get protocol(): OcppProtocol {
    return this.options.protocol;
  }

  /** The websocket's ready state: 1 while open. */
  get state(): number {
    return this.ws.readyState;
  }

  /** Sends a keep-alive ping (the server's sweep calls it after an interval of silence). */
  ping(now: number): void {
    this.pingSentMs = now;
    this.ws.ping();
  }

  /** Drops the connection at once (no close handshake): a charger that stopped answering pings. */
  terminate(): void {
    this.ws.terminate();
  }

  /**
   * Sends a CALL after the CSMS's previous one is answered (OCPP allows one at a time) and resolves with
   * the CALLRESULT payload. Rejects with an RPCError on CALLERROR or an invalid answer, with
   * TimeoutError when none comes in time, and with an Error when the connection closes first.
   */
  call(method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.outbound.push({ method, params, options, resolve, reject });
      if (!this.inFlight) this.sendNextCall();
    });
  }

  /** Closes with a close handshake (`force`: drops the socket). Resolves with the close code and reason. */
  close(options: { code?: number; reason?: string; force?: boolean } = {}): Promise<{
    code: number;
    reason: string;
  }> {
    if (this.closing) return this.closing;
    if (this.closed) return Promise.resolve(this.closed);
    this.closing = new Promise((resolve) =>
      this.ws.once('close', (code: number, reason: Buffer) =>
        resolve({ code, reason: reason.toString('utf8') }),
      ),
    );
    if (options.force) this.ws.terminate();
    else this.ws.close(validCloseCode(options.code) ? options.code : 1000, options.reason);
    return this.closing;
  }

  private onFrame(data: Buffer): void {
    this.lastActivityMs = Date.now();
    this.pingSentMs = 0;
    const text = data.toString('utf8');
    // An empty frame is ignored, as some chargers send them.
    if (text.length === 0) return;
    this.hooks.frame('in', text);
    let messageId = '-1';
    let messageType: unknown;
    try {
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        throw new FrameError('RpcFrameworkError', 'Message must be a JSON structure');
      }
      if (!Array.isArray(frame)) throw new FrameError('RpcFrameworkError', 'Message must be an array');
      messageType = frame[0];
      if (typeof frame[1] === 'string') messageId = frame[1];
      if (typeof messageType !== 'number') {
        throw new FrameError('RpcFrameworkError', 'Message type must be a number');
      }
      if (messageType !== CALL && messageType !== CALLRESULT && messageType !== CALLERROR) {
        throw new FrameError('MessageTypeNotSupported', 'Unrecognised message type');
      }
      if (typeof frame[1] !== 'string')
        throw new FrameError('RpcFrameworkError', 'Message ID must be a string');
      if (messageType === CALL) {
        if (typeof frame[2] !== 'string')
          throw new FrameError('RpcFrameworkError', 'Method must be a string');
        this.onCall(messageId, frame[2], frame[3]);
      } else if (messageType === CALLRESULT) {
        this.onCallResult(messageId, frame[2]);
      } else {
        this.onCallError(messageId, frame[2], frame[3], frame[4]);
      }
      this.badMessages = 0;
    } catch (err) {
      this.onBadFrame(err as Error, messageType, messageId);
    }
  }

  /** Answers a frame that cannot be processed (unless it was an answer), closing after too many. */
  private onBadFrame(error: Error, messageType: unknown, messageId: string): void {
    const answer = messageType !== CALLRESULT && messageType !== CALLERROR;
    const response = answer
      ? this.callError(messageId, error instanceof FrameError ? error.code : 'GenericError', error.message)
      : null;
    this.hooks.badMessage(error);
    if (++this.badMessages > this.options.maxBadMessages) {
      void this.close({ code: 1002, reason: 'Protocol error' });
    } else if (response) {
      this.send(response);
    }
  }

  private onCall(messageId: string, action: string, params: unknown): void {
    if (this.answering.has(messageId)) {
      this.send(
        this.callError(
          messageId,
          'RpcFrameworkError',
          `Already processing a call with message ID: ${messageId}`,
        ),
      );
      return;
    }
    if (!this.hooks.handles(action)) {
      this.send(this.callError(messageId, 'NotImplemented', `Unable to handle '${action}' calls`));
      return;
    }
    try {
      this.options.validator.validate(`urn:${action}.req`, params);
    } catch (err) {
      this.send(this.errorFrame(messageId, err));
      return;
    }
    this.answering.set(messageId, true);
    this.hooks.call(action, params, messageId).then(
      (result) => {
        this.answering.take(messageId);
        try {
          this.options.validator.validate(`urn:${action}.conf`, result);
          this.send([CALLRESULT, messageId, result]);
        } catch (err) {
          this.hooks.invalidResponse(action, err as Error);
          this.send(this.callError(messageId, 'InternalError', ''));
        }
      },
      (err: unknown) => {
        this.answering.take(messageId);
        this.send(this.errorFrame(messageId, err));
      },
    );
  }

  /** A CALLERROR in the codes of this charger's OCPP-J version. */
  private callError(
    messageId: string,
    code: string,
    description: string,
    details: Record<string, unknown> = {},
  ): unknown[] {
    return callErrorFrame(this.options.protocol, messageId, code, description, details);
  }

  /** The CALLERROR for an error thrown while answering: an RPCError as it is, anything else InternalError. */
  private errorFrame(messageId: string, err: unknown): unknown[] {
    if (!(err instanceof RPCError)) return this.callError(messageId, 'InternalError', '');
    const e = err as RPCError & { details?: Record<string, unknown> };
    return this.callError(messageId, e.rpcErrorCode, e.message || e.rpcErrorMessage || '', e.details ?? {});
  }

  private onCallResult(messageId: string, result: unknown): void {
    const call = this.inFlight;
    if (!call || call.id !== messageId) {
      throw new FrameError(
        'RpcFrameworkError',
        `Received CALLRESULT for unrecognised message ID: ${messageId}`,
      );
    }
    try {
      this.options.validator.validate(`urn:${call.method}.conf`, result);
    } catch (err) {
      this.settle(call, err);
      return;
    }
    this.settle(call, undefined, result);
  }

  private onCallError(messageId: string, code: unknown, description: unknown, details: unknown): void {
    const call = this.inFlight;
    if (!call || call.id !== messageId) {
      throw new FrameError(
        'RpcFrameworkError',
        `Received CALLERROR for unrecognised message ID: ${messageId}`,
      );
    }
    this.settle(
      call,
      createRPCError(
        typeof code === 'string' ? code : 'GenericError',
        typeof description === 'string' ? description : '',
        details && typeof details === 'object' ? (details as Record<string, unknown>) : {},
      ),
    );
  }

  private sendNextCall(): void {
    const call = this.outbound.shift();
    if (!call) return;
    if (this.ws.readyState !== SOCKET_OPEN || this.closing) {
      call.reject(new Error('Cannot make call while socket not open'));
      this.sendNextCall();
      return;
    }
    try {
      this.options.validator.validate(`urn:${call.method}.req`, call.params);
    } catch (err) {
      call.reject(err);
      this.sendNextCall();
      return;
    }
    const { signal, callTimeoutMs = this.options.callTimeoutMs } = call.options;
    if (signal?.aborted) {
      call.reject(abortError(signal));
      this.sendNextCall();
      return;
    }
    call.id = randomUUID();
    this.inFlight = call;
    if (callTimeoutMs > 0 && callTimeoutMs < 2 ** 31) {
      call.timer = setTimeout(() => this.settle(call, new TimeoutError('Call timeout')), callTimeoutMs);
    }
    if (signal) {
      call.onAbort = () => this.settle(call, abortError(signal));
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    this.send([CALL, call.id, call.method, call.params]);
  }

  /** Ends the CALL in flight with its answer or error and sends the next one. */
  private settle(call: OutboundCall, err: unknown, result?: unknown): void {
    if (this.inFlight !== call) return;
    this.inFlight = undefined;
    clearTimeout(call.timer);
    if (call.onAbort) call.options.signal?.removeEventListener('abort', call.onAbort);
    if (err) call.reject(err);
    else call.resolve(result);
    this.sendNextCall();
  }

  private send(frame: unknown[]): void {
    // An answer finished after the charger left goes nowhere.
    if (this.ws.readyState !== SOCKET_OPEN) return;
    const text = JSON.stringify(frame);
    this.ws.send(text);
    this.hooks.frame('out', text);
  }

  private onClose(code: number, reason: string): void {
    this.closed = { code, reason };
    const gone = new Error('Client disconnected');
    const queued = this.outbound.splice(0);
    if (this.inFlight) this.settle(this.inFlight, gone);
    for (const call of queued) call.reject(gone);
    this.hooks.closed(code, reason);
  }
}

function abortError(signal: AbortSignal): Error {
  const err = new Error(String(signal.reason ?? 'Aborted'));
  err.name = 'AbortError';
  return err;
}

/** Close codes an endpoint may send (RFC 6455 7.4 and the registered range). */
function validCloseCode(code: number | undefined): code is number {
  return (
    code !== undefined &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}
