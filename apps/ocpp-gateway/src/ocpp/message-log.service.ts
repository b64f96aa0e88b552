import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import { pgArrayLiteral, pgColumn, queryPrepared } from '@csms/domain';
import type { OcppMessage } from '@csms/domain';
import type { CallsInFlight } from './calls-in-flight';

/** Frames kept per charger in `ocpp_messages`; older ones are pruned. */
export const MESSAGE_LOG_LIMIT = 500;
const FLUSH_INTERVAL_MS = 200;
/** Frames buffered that start a write without waiting for the interval. */
export const MESSAGE_LOG_FLUSH_BATCH = 500;
const PRUNE_EVERY = 50;

type Direction = 'in' | 'out';

/** ASCII record separator: JSON escapes control characters inside strings, so a well-formed frame has none. */
const FRAME_SEPARATOR = '\x1e';

interface Parsed {
  messageType: number | null;
  messageId: string | null;
  action: string | null;
  frame: string;
}

/** Secrets that travel in OCPP frames (a rotated charger password) never reach the log. */
export function redactFrame(payload: unknown[]): boolean {
  const [type, , action, body] = payload as [number, string, string, Record<string, any>];
  if (type !== 2 || !body || typeof body !== 'object') return false;
  if (action === 'ChangeConfiguration' && body.key === 'AuthorizationKey') {
    body.value = '[REDACTED]';
    return true;
  }
  if (action === 'SetVariables' && Array.isArray(body.setVariableData)) {
    let redacted = false;
    for (const item of body.setVariableData) {
      if (item?.variable?.name === 'BasicAuthPassword') {
        item.attributeValue = '[REDACTED]';
        redacted = true;
      }
    }
    return redacted;
  }
  return false;
}

/** Actions whose frames may carry a secret: parsed whole, so {@link redactFrame} can hide it. */
const REDACTED_ACTIONS = new Set(['ChangeConfiguration', 'SetVariables']);

/** `[type, "id"` and, for a CALL, `, "Action"`: the head of an OCPP-J frame, without escapes. */
const HEAD = /^\s*\[\s*([234])\s*,\s*"([^"\\]*)"\s*(?:,\s*"([^"\\]*)")?/;

/**
 * The message type, id and action of a frame, read from its first bytes rather than by parsing the whole
 * frame (a MeterValues frame is about a kilobyte). Null when the head is unusual (escapes, odd layout):
 * the caller then parses the whole frame.
 */
export function readHead(
  raw: string,
): { messageType: number; messageId: string; action: string | null } | null {
  const match = HEAD.exec(raw);
  if (!match) return null;
  const messageType = Number(match[1]);
  if (messageType === 2 && match[3] === undefined) return null;
  return { messageType, messageId: match[2], action: messageType === 2 ? match[3] : null };
}

/**
 * Every OCPP-J frame in and out: a structured log line with charger and message id, and a row in the
 * bounded per-charger `ocpp_messages` table (written in batches, off the charger's critical path).
 */
@Injectable()
export class MessageLogService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OcppMessages');
  private buffer: Array<Omit<OcppMessage, 'id'>> = [];
  private readonly sincePrune = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** The flush queued behind the one being written, not started yet. */
  private waiting?: Promise<void>;
  /** Per-frame log lines at debug (head) and trace (whole frame): skipped unless LOG_LEVEL asks for them. */
  private readonly logsHeads: boolean;
  private readonly logsFrames: boolean;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.logsFrames = config.log.level === 'trace';
    this.logsHeads = this.logsFrames || config.log.level === 'debug';
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Records a raw frame. `actions` maps message ids of calls in flight on this connection to their
   * action, so CALLRESULT/CALLERROR lines name the action they answer.
   */
  record(chargePointId: string, direction: Direction, raw: string, actions: CallsInFlight<string>): void {
    const parsed = this.parse(raw, actions);
    if (this.logsHeads) {
      this.logger.debug(
        {
          chargePointId,
          direction,
          messageType: parsed.messageType,
          messageId: parsed.messageId,
          action: parsed.action,
        },
        'ocpp message',
      );
    }
    if (this.logsFrames) {
      this.logger.verbose({ chargePointId, direction, messageId: parsed.messageId, frame: parsed.frame });
    }
    this.buffer.push({
      chargePointId,
      direction,
      messageType: parsed.messageType,
      messageId: parsed.messageId,
      action: parsed.action,
      frame: parsed.frame,
      gatewayNode: this.config.gateway.nodeId,
      createdAt: this.clock.now(),
    });
    if (this.buffer.length >= MESSAGE_LOG_FLUSH_BATCH) void this.flush();
  }

  private parse(raw: string, actions: CallsInFlight<string>): Parsed {
    const head = readHead(raw);
    if (!head || REDACTED_ACTIONS.has(head.action ?? '')) return this.parseWhole(raw, actions);
    return this.named(head.messageType, head.messageId, head.action, raw, actions);
  }

  private parseWhole(raw: string, actions: CallsInFlight<string>): Parsed {
    try {
      const payload = JSON.parse(raw) as unknown[];
      if (!Array.isArray(payload)) throw new Error('not an array');
      const [type, id, action] = payload as [unknown, unknown, unknown];
      const frame = redactFrame(payload) ? JSON.stringify(payload) : raw;
      return this.named(
        typeof type === 'number' ? type : null,
        typeof id === 'string' ? id : null,
        type === 2 && typeof action === 'string' ? action : null,
        frame,
        actions,
      );
    } catch {
      return { messageType: null, messageId: null, action: null, frame: raw.slice(0, 10_000) };
    }
  }

  /** Remembers a CALL's action by its id, and names the action a CALLRESULT/CALLERROR answers. */
  private named(
    messageType: number | null,
    id: string | null,
    callAction: string | null,
    frame: string,
    actions: CallsInFlight<string>,
  ): Parsed {
    const messageId = id?.slice(0, 64) ?? null;
    let action = callAction;
    if (messageType === 2 && action !== null) {
      if (messageId) actions.set(messageId, action);
    } else if (messageId && (messageType === 3 || messageType === 4)) {
      action = actions.take(messageId) ?? null;
    }
    return { messageType, messageId, action: action?.slice(0, 64) ?? null, frame };
  }

  /**
   * Writes buffered frames (tests call it to read the log at once). One write at a time, and at most one
   * more waiting behind it: that one takes everything buffered when it starts, so the calls made in the
   * meantime need no write of their own (each would write the few frames that came after the previous).
   */
  flush(): Promise<void> {
    if (this.waiting) return this.waiting;
    const next = this.flushing
      .then(() => {
        this.waiting = undefined;
        return this.write();
      })
      .catch(() => undefined);
    this.waiting = next;
    this.flushing = next;
    return next;
  }

  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      const col = <K extends keyof (typeof batch)[number]>(k: K) => pgColumn(batch, (r) => r[k]);
      const frames = batch.map((r) => r.frame);
      // The frames go as one text split by Postgres at a separator no JSON text holds unescaped: no
      // escaping of their quotes on either side. A frame that holds one, or is empty (malformed input),
      // sends the batch as an array literal instead.
      const separated = frames.every((f) => f.length > 0 && !f.includes(FRAME_SEPARATOR));
      // Prepared: the plan (an insert of the unnested arrays) reads no table, so a generic one is right
      // for every batch, and each flush skips parsing and planning the statement.
      await queryPrepared(
        this.db,
        `INSERT INTO ocpp_messages (charge_point_id, direction, message_type, message_id, action, frame,
           gateway_node, created_at)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::smallint[], $4::varchar[], $5::varchar[],
           ${separated ? `string_to_array($6::text, chr(30))` : '$6::text[]'}, $7::varchar[], $8::timestamptz[])`,
        [
          col('chargePointId'),
          col('direction'),
          col('messageType'),
          col('messageId'),
          col('action'),
          separated ? frames.join(FRAME_SEPARATOR) : pgArrayLiteral(frames),
          col('gatewayNode'),
          col('createdAt'),
        ],
      );
    } catch (err) {
      this.logger.error({ err, count: batch.length }, 'Could not store OCPP messages');
      return;
    }
    const toPrune = new Set<string>();
    for (const row of batch) {
      const n = (this.sincePrune.get(row.chargePointId) ?? 0) + 1;
      if (n >= PRUNE_EVERY) {
        this.sincePrune.delete(row.chargePointId);
        toPrune.add(row.chargePointId);
      } else {
        this.sincePrune.set(row.chargePointId, n);
      }
    }
    if (toPrune.size) await this.prune([...toPrune]);
  }

  /** Keeps the latest frames of each charger: one statement for all chargers due. */
  private async prune(chargePointIds: string[]): Promise<void> {
    await this.db.query(
      `DELETE FROM ocpp_messages m USING (
         SELECT cp.id, (SELECT id FROM ocpp_messages WHERE charge_point_id = cp.id
                        ORDER BY id DESC OFFSET $2 LIMIT 1) AS keep_from
         FROM unnest($1::varchar[]) AS cp(id)) k
       WHERE m.charge_point_id = k.id AND m.id < k.keep_from`,
      [chargePointIds, MESSAGE_LOG_LIMIT - 1],
    );
  }
}
