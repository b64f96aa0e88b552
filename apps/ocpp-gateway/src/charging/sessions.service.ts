import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, newId } from '@csms/common';
import {
  ChargingSession,
  layoutDigest,
  ReservationTransitions,
  queryPrepared,
  queryPreparedIn,
} from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';
import { BILLING_MEASURAND, NormalizedSample, isClockSkewed, normalizeIdTag } from '../ocpp/ocpp-mapper';
import { Authorization, AuthorizationService } from './authorization.service';
import { MeterValuesService } from './meter-values.service';
import { BatchColumn, batchRows, batchValues } from './batch-rows';
import { WriteBatcher } from './write-batcher';

export interface Start16 {
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  timestamp: Date;
  reservationId: number | null;
}

export interface Stop16 {
  transactionId: number;
  idTag: string | null;
  meterStopWh: number;
  timestamp: Date;
  reason: string | null;
  samples: NormalizedSample[];
}

export interface TransactionEvent {
  transactionId: string;
  eventType: 'Started' | 'Updated' | 'Ended';
  seqNo: number;
  timestamp: Date;
  triggerReason: string;
  offline: boolean;
  evseNumber: number | null;
  connectorNumber: number | null;
  idToken: { value: string; type: string } | null;
  remoteStartId: number | null;
  reservationId: number | null;
  stoppedReason: string | null;
  samples: NormalizedSample[];
  payload: Record<string, unknown>;
}

const energySample = (valueWh: number, at: Date, context: string): NormalizedSample => ({
  sampledAt: at,
  measurand: BILLING_MEASURAND,
  phase: null,
  location: null,
  context,
  unit: 'Wh',
  value: valueWh,
  rawValue: String(valueWh),
});

/** What a 1.6 StopTransaction reads: its session, and the id tag it names. */
interface StopRead {
  chargePointId: string;
  transactionId: string;
  organizationId: string;
  /** The normalized id tag, or null. */
  idTag: string | null;
}

interface StopReadRow {
  id: string | null;
  evse_number: number | null;
  connector_number: number | null;
  tag_id: string | null;
  tag_status: string | null;
  tag_expires_at: Date | null;
}

/**
 * The reads of the StopTransactions arriving together, one row per stop in the order given (the
 * ordinality), each a lookup by key: the session by (charge point, transaction id), the id tag by
 * (organization, normalized value).
 */
const STOP_READ_COLUMNS: Array<BatchColumn<StopRead>> = [
  ['charge_point_id', 'varchar', (r) => r.chargePointId],
  ['transaction_id', 'varchar', (r) => r.transactionId],
  ['organization_id', 'varchar', (r) => r.organizationId],
  ['tag', 'varchar', (r) => r.idTag],
];

const STOP_READ_SQL = `SELECT s.id, s.evse_number, s.connector_number, t.id AS tag_id, t.status AS tag_status,
     t.expires_at AS tag_expires_at
   FROM (${batchRows(STOP_READ_COLUMNS)}) AS v
   LEFT JOIN charging_sessions s ON s.charge_point_id = v.charge_point_id AND s.transaction_id = v.transaction_id
   LEFT JOIN id_tags t ON t.organization_id = v.organization_id AND t.value_normalized = v.tag
   ORDER BY v.n`;

/** What the StartTransaction (1.6) statement answers, one row per start. */
interface Start16Row {
  superseded: string[] | null;
  tag_id: string | null;
  tag_status: string | null;
  tag_expires_at: Date | null;
  tag_busy: boolean | null;
  id: string | null;
  ocpp_transaction_id: number | null;
  reserved: boolean;
}

/** A StartTransaction as the statement takes it: {@link START16_COLUMNS}, one value each, in order. */
interface Start16Values {
  connection: ChargerConnection;
  start: Start16;
  receivedAt: Date;
  /** The id tag, normalized as id tags are looked up. */
  tag: string;
  /** The id of the session to insert. */
  sessionId: string;
  /** Its Transaction.Begin reading. */
  begin: NormalizedSample;
}

/** The columns of the start statement's rows `v`: name, Postgres type, value. */
const START16_COLUMNS: Array<BatchColumn<Start16Values>> = [
  ['id', 'varchar', (v) => v.sessionId],
  ['organization_id', 'varchar', (v) => v.connection.organizationId],
  ['charge_point_id', 'varchar', (v) => v.connection.chargePointId],
  ['evse_number', 'int', (v) => v.start.connectorId],
  ['id_tag', 'varchar', (v) => v.start.idTag],
  ['tag', 'varchar', (v) => v.tag],
  ['started_at', 'timestamptz', (v) => v.start.timestamp],
  ['received_at', 'timestamptz', (v) => v.receivedAt],
  ['skewed', 'boolean', (v) => isClockSkewed(v.start.timestamp, v.receivedAt)],
  ['meter_start', 'numeric', (v) => String(v.begin.value)],
  ['raw_value', 'text', (v) => v.begin.rawValue],
  ['sampled_at', 'text', (v) => v.begin.sampledAt.toISOString()],
];

/**
 * The layout of a StartTransaction's first reading (its meterStart): one billing-register value at
 * Transaction.Begin, in Wh. Created by the migration MeterValueLayouts, so the statement names it only.
 */
const BEGIN_LAYOUT = layoutDigest({
  measurands: [BILLING_MEASURAND],
  phases: [null],
  locations: [null],
  contexts: ['Transaction.Begin'],
  units: ['Wh'],
});

/**
 * StartTransaction (1.6) in one statement, over rows `v` of {@link START16_COLUMNS}: the starts of many
 * chargers together (`batch`, a row per element of the array parameters) or one start inside a
 * transaction. The id tag is read for the authorization (with whether it has a session open elsewhere),
 * and the new session is inserted with its Transaction.Begin reading. That reading is the session's
 * only one, so the recompute would give meter start = last reading = the reading, energy 0 and the
 * register tail at its time: they are written directly. The reading is a set of one value; its dedup
 * key is MeterValuesService's setDigest of that value's dedupDigest, made in SQL because the transaction
 * id is drawn there (a retried start stores the reading again through MeterValuesService and must find
 * it). Prepared: one parse and plan per connection rather than per statement (its plan is lookups by
 * key). Answers one row per start, in the order given.
 *
 * - `batch`, in autocommit, for starts that need nothing else: a start is inserted only when no session
 *   is open on its EVSE from before it (nothing to supersede) and its charger has no open reservation;
 *   otherwise, or on a retry (the insert conflicts), its row has no session id. A statement does not see
 *   its own inserts, so one batch holds at most one start per charger and per id tag (see
 *   {@link SessionsService.startBatch}).
 * - In a transaction, one start: the sessions it supersedes are closed first (as closeSuperseded does)
 *   and not counted as the id tag's open sessions, and the statement tells whether the charger has an
 *   open reservation, so that a start without one costs no reservation update.
 */
function start16Sql(batch: boolean): string {
  const rows = batch
    ? batchRows(START16_COLUMNS)
    : `SELECT ${START16_COLUMNS.map(([name, type], i) => `$${i + 1}::${type} AS ${name}`).join(', ')}, 1 AS n`;
  const openBefore = `c.charge_point_id = v.charge_point_id AND c.evse_number = v.evse_number
           AND c.status = 'active' AND c.started_at < v.started_at`;
  const reserved = `EXISTS (SELECT 1 FROM reservations r
                 WHERE r.charge_point_id = v.charge_point_id AND r.status IN ('pending', 'active'))`;
  const first = batch
    ? `plain AS (
         SELECT v.n FROM v
         WHERE NOT EXISTS (SELECT 1 FROM charging_sessions c WHERE ${openBefore}) AND NOT ${reserved})`
    : `sup AS (
         UPDATE charging_sessions c SET status = 'completed', flags = array_append(c.flags, 'superseded'),
           stop_received_at = v.received_at, updated_at = now()
         FROM v WHERE ${openBefore}
         RETURNING c.id),
       plain AS (SELECT v.n FROM v)`;
  return `WITH v AS (${rows}),
       ${first},
       tag AS (
         SELECT v.n, t.id, t.status, t.expires_at,
           EXISTS (SELECT 1 FROM charging_sessions x
                   WHERE x.organization_id = v.organization_id AND lower(x.id_tag) = v.tag AND x.status = 'active'
                     ${batch ? '' : 'AND x.id NOT IN (SELECT id FROM sup)'}) AS busy
         FROM v JOIN id_tags t ON t.organization_id = v.organization_id AND t.value_normalized = v.tag),
       tx AS (SELECT plain.n, nextval('ocpp_transaction_id_seq')::int AS tx FROM plain),
       s AS (
         INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
           ocpp_transaction_id, evse_number, connector_number, id_tag, id_token_type, id_tag_id, status,
           started_at, start_received_at, flags, meter_start_wh, last_meter_wh, energy_wh, register_tail_at)
         SELECT v.id, v.organization_id, v.charge_point_id, '1.6', tx.tx::text, tx.tx, v.evse_number, 1, v.id_tag,
           NULL, tag.id, 'active', v.started_at, v.received_at,
           CASE WHEN v.skewed THEN ARRAY['clock_skew'] ELSE ARRAY[]::text[] END, v.meter_start, v.meter_start, 0,
           v.started_at
         FROM tx JOIN v ON v.n = tx.n LEFT JOIN tag ON tag.n = tx.n
         ON CONFLICT DO NOTHING
         RETURNING id, ocpp_transaction_id),
       m AS (
         INSERT INTO meter_value_sets (organization_id, charge_point_id, session_id, evse_number,
           connector_number, sampled_at, received_at, dedup_key, register_wh, register_context, layout,
           values, raw_values)
         SELECT v.organization_id, v.charge_point_id, s.id, v.evse_number, 1, v.started_at, v.received_at,
           md5(md5(s.ocpp_transaction_id::text || '|' || v.evse_number::text || '|1|' || v.sampled_at
               || '|${BILLING_MEASURAND}|||Transaction.Begin'))::uuid,
           v.meter_start, 'Transaction.Begin', '${BEGIN_LAYOUT}'::uuid, ARRAY[v.meter_start], ARRAY[v.raw_value]
         FROM s JOIN v ON v.id = s.id
         ON CONFLICT (charge_point_id, sampled_at, dedup_key) DO NOTHING)
       SELECT ${batch ? 'NULL::text[]' : '(SELECT array_agg(id) FROM sup)'} AS superseded, tag.id AS tag_id,
         tag.status AS tag_status, tag.expires_at AS tag_expires_at, tag.busy AS tag_busy, s.id,
         s.ocpp_transaction_id, ${batch ? 'false' : reserved} AS reserved
       FROM v LEFT JOIN tag ON tag.n = v.n LEFT JOIN s ON s.id = v.id
       ORDER BY v.n`;
}

const START16_SQL = start16Sql(false);
const START16_BATCH_SQL = start16Sql(true);

/** A periodic 2.0.1 TransactionEvent as the batch statement takes it: {@link UPDATE201_COLUMNS}. */
interface Update201Values {
  connection: ChargerConnection;
  event: TransactionEvent;
  receivedAt: Date;
}

/** The columns of the Updated-event statement's rows `v`: name, Postgres type, value. */
const UPDATE201_COLUMNS: Array<BatchColumn<Update201Values>> = [
  ['charge_point_id', 'varchar', (v) => v.connection.chargePointId],
  ['transaction_id', 'varchar', (v) => v.event.transactionId],
  ['seq_no', 'int', (v) => v.event.seqNo],
  ['trigger_reason', 'varchar', (v) => v.event.triggerReason.slice(0, 40)],
  ['offline', 'boolean', (v) => v.event.offline],
  ['charger_timestamp', 'timestamptz', (v) => v.event.timestamp],
  ['received_at', 'timestamptz', (v) => v.receivedAt],
  ['payload', 'text', (v) => JSON.stringify(v.event.payload)],
  ['evse_number', 'int', (v) => v.event.evseNumber],
  ['connector_number', 'int', (v) => v.event.connectorNumber],
  ['skewed', 'boolean', (v) => !v.event.offline && isClockSkewed(v.event.timestamp, v.receivedAt)],
];

interface Update201Row {
  /** The event's session; NULL when it is not stored yet (the event then runs in a transaction). */
  id: string | null;
  evse_number: number | null;
  connector_number: number | null;
}

/**
 * The Updated events of many chargers in one statement, in autocommit: for each, its session (locked,
 * as the transaction of an event locks it), the event stored once per seqNo and, when it is new, the
 * session's fields as {@link SessionsService.transactionEvent} sets them for an Updated event without
 * id token, reservation or remote start id. Answers one row per event, in order; an event whose session is not stored yet has
 * no session id and has changed nothing.
 */
const UPDATE201_BATCH_SQL = `WITH v AS (${batchRows(UPDATE201_COLUMNS)}),
  s AS (
    SELECT v.n, c.id, c.evse_number, c.connector_number FROM v
    JOIN charging_sessions c ON c.charge_point_id = v.charge_point_id AND c.transaction_id = v.transaction_id
    FOR UPDATE OF c),
  e AS (
    INSERT INTO transaction_events (charge_point_id, transaction_id, seq_no, session_id, event_type,
      trigger_reason, offline, charger_timestamp, received_at, payload)
    SELECT v.charge_point_id, v.transaction_id, v.seq_no, s.id, 'Updated', v.trigger_reason, v.offline,
      v.charger_timestamp, v.received_at, v.payload::jsonb
    FROM v JOIN s ON s.n = v.n
    ON CONFLICT (charge_point_id, transaction_id, seq_no) DO NOTHING
    RETURNING session_id),
  u AS (
    UPDATE charging_sessions c SET
      started_at = coalesce(c.started_at, v.charger_timestamp),
      evse_number = coalesce(c.evse_number, v.evse_number),
      connector_number = coalesce(c.connector_number, v.connector_number),
      last_seq_no = greatest(coalesce(c.last_seq_no, v.seq_no), v.seq_no),
      flags = ARRAY(SELECT DISTINCT f FROM unnest(c.flags
          || CASE WHEN v.skewed THEN ARRAY['clock_skew'] ELSE ARRAY[]::text[] END
          || CASE WHEN v.seq_no < c.last_seq_no THEN ARRAY['late_offline_events'] ELSE ARRAY[]::text[] END)
        AS f ORDER BY f),
      updated_at = now()
    FROM s JOIN v ON v.n = s.n
    WHERE c.id = s.id AND c.id IN (SELECT session_id FROM e)
    RETURNING c.id, c.evse_number, c.connector_number)
  SELECT s.id, coalesce(u.evse_number, s.evse_number) AS evse_number,
    coalesce(u.connector_number, s.connector_number) AS connector_number
  FROM v LEFT JOIN s ON s.n = v.n LEFT JOIN u ON u.id = s.id
  ORDER BY v.n`;

/**
 * An Updated event that sets nothing but what a periodic event sets (no id token to authorize, no
 * reservation, no remote start id): the batch statement's kind.
 */
const isPlainUpdate = (event: TransactionEvent) =>
  event.eventType === 'Updated' &&
  event.idToken === null &&
  event.reservationId === null &&
  event.remoteStartId === null;

/**
 * Runs `statement` over `items` in rounds: a statement does not see its own writes, so an item sharing a
 * key (any of `keys(item)`) with one already in the round waits for the next round, as if it had arrived
 * after it. Answers one result per item, in the order given.
 */
async function inRounds<T, R>(
  items: T[],
  keys: (item: T) => string[],
  statement: (round: T[]) => Promise<R[]>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let pending = items.map((item, i) => ({ item, i }));
  while (pending.length > 0) {
    const taken = new Set<string>();
    const now: typeof pending = [];
    const later: typeof pending = [];
    for (const entry of pending) {
      const itemKeys = keys(entry.item);
      if (itemKeys.some((k) => taken.has(k))) {
        later.push(entry);
        continue;
      }
      for (const k of itemKeys) taken.add(k);
      now.push(entry);
    }
    const rows = await statement(now.map((entry) => entry.item));
    now.forEach((entry, k) => (results[entry.i] = rows[k]));
    pending = later;
  }
  return results;
}

const beginSample = (start: Start16) =>
  energySample(start.meterStartWh, start.timestamp, 'Transaction.Begin');

const start16Values = (connection: ChargerConnection, start: Start16, receivedAt: Date): Start16Values => ({
  connection,
  start,
  receivedAt,
  tag: normalizeIdTag(start.idTag),
  sessionId: newId('sess'),
  begin: beginSample(start),
});

/** The id tag read by the start statement, for the authorization decision. */
const tagOf = (row: Start16Row) =>
  row.tag_id === null
    ? undefined
    : { id: row.tag_id, status: row.tag_status!, expires_at: row.tag_expires_at, busy: row.tag_busy! };

/**
 * OCPP transactions as charging sessions, idempotent towards the charger: a retried 1.6
 * StartTransaction gets the same transactionId, 2.0.1 events count once per seqNo, stops for unknown
 * transactions are answered and kept for review.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');
  /**
   * StopTransactions of many chargers read their sessions and id tags with one statement (a read in
   * autocommit, as each alone was): one round trip for all the stops that arrive together.
   */
  private readonly stopReads = new WriteBatcher<StopRead, StopReadRow>(
    (reads) => queryPrepared<StopReadRow>(this.db, STOP_READ_SQL, batchValues(STOP_READ_COLUMNS, reads)),
    { maxBatch: 500, maxConcurrent: 2 },
  );
  /**
   * Most StartTransactions need the one statement and nothing more: no session left open on the EVSE to
   * supersede, no open reservation on the charger, not a retry. Those of many chargers arriving together
   * run it as one statement, in autocommit: one round trip and one commit for all of them, each start as
   * atomic as alone. A start the statement leaves alone (no session id) runs in a transaction of its own.
   */
  private readonly starts = new WriteBatcher<Start16Values, Start16Row>((starts) => this.startBatch(starts), {
    maxBatch: 500,
    maxConcurrent: 2,
  });

  /**
   * The periodic TransactionEvents (Updated) of 2.0.1 chargers, as the 1.6 starts: one statement in
   * autocommit for those of many chargers, where each was a transaction of four statements.
   */
  private readonly updates = new WriteBatcher<Update201Values, Update201Row>(
    (updates) => this.updateBatch(updates),
    { maxBatch: 500, maxConcurrent: 1 },
  );

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly auth: AuthorizationService,
    private readonly meters: MeterValuesService,
  ) {}

  async start16(
    connection: ChargerConnection,
    start: Start16,
  ): Promise<{ transactionId: number; authorization: Authorization }> {
    const values = start16Values(connection, start, this.clock.now());
    const row = await this.starts.add(values);
    const started =
      row.id !== null
        ? {
            transactionId: row.ocpp_transaction_id!,
            sessionId: row.id,
            authorization: this.auth.decide(tagOf(row)),
          }
        : // One transaction: one commit (the expensive part of a write) per StartTransaction.
          await this.db.transaction((manager) => this.start16In(manager, values));
    // The charger's MeterValues name this transaction next: its session is known without a lookup.
    this.remember(connection, String(started.transactionId), started.sessionId);
    return { transactionId: started.transactionId, authorization: started.authorization };
  }

  /**
   * The batch statement for `starts`, a row each in their order. A statement does not see its own
   * writes: two starts of one charger, or of one id tag (whose second would be ConcurrentTx), in one
   * statement would not see each other. Such a start waits for a later statement, as if it had arrived
   * after the first.
   */
  private startBatch(starts: Start16Values[]): Promise<Start16Row[]> {
    return inRounds(
      starts,
      (v) => [
        `cp\u0000${v.connection.chargePointId}`,
        `tag\u0000${v.connection.organizationId}\u0000${v.tag}`,
      ],
      (round) => queryPrepared<Start16Row>(this.db, START16_BATCH_SQL, batchValues(START16_COLUMNS, round)),
    );
  }

  /** The batch statement for Updated events, a row each in their order: one event per charger each. */
  private updateBatch(updates: Update201Values[]): Promise<Update201Row[]> {
    return inRounds(
      updates,
      (v) => [v.connection.chargePointId],
      (round) =>
        queryPrepared<Update201Row>(this.db, UPDATE201_BATCH_SQL, batchValues(UPDATE201_COLUMNS, round)),
    );
  }

  private async start16In(
    manager: EntityManager,
    values: Start16Values,
  ): Promise<{ transactionId: number; sessionId: string; authorization: Authorization }> {
    const { connection, start, begin } = values;
    const [row] = await queryPreparedIn<Start16Row>(
      manager,
      START16_SQL,
      START16_COLUMNS.map(([, , value]) => value(values)),
    );
    await this.superseded(manager, connection, row.superseded ?? []);
    const authorization = this.auth.decide(tagOf(row));
    const inserted = row.id === null ? [] : [{ id: row.id, ocpp_transaction_id: row.ocpp_transaction_id! }];
    let session = inserted[0];
    let result = authorization;
    if (!session) {
      const existing: Array<{ id: string; ocpp_transaction_id: number }> = await manager.query(
        `SELECT id, ocpp_transaction_id FROM charging_sessions
         WHERE charge_point_id = $1 AND evse_number = $2 AND id_tag = $3 AND started_at = $4
           AND ocpp_transaction_id IS NOT NULL`,
        [connection.chargePointId, start.connectorId, start.idTag, start.timestamp],
      );
      session = existing[0];
      if (!session) throw new Error('StartTransaction conflicted with no matching session');
      result = await this.auth.authorize(connection.organizationId, start.idTag, {
        exceptSessionId: session.id,
        manager,
      });
      await this.meters.storeAndRecomputeIn(manager, connection, [begin], {
        sessionId: session.id,
        transactionId: String(session.ocpp_transaction_id),
        evseNumber: start.connectorId,
        connectorNumber: 1,
      });
    }
    if (row.reserved) {
      await this.useReservation(manager, connection, {
        sessionId: session.id,
        reservationId: start.reservationId,
        connectorId: start.connectorId,
        idTag: start.idTag,
      });
    }
    return { transactionId: session.ocpp_transaction_id, sessionId: session.id, authorization: result };
  }

  /**
   * A 1.6 StopTransaction. For a known session, its final readings, the recompute and the completion are
   * one statement, batched with the MeterValues of other chargers (a retried stop stores nothing twice and
   * completes nothing again); a stop for an unknown transaction is recorded as a completed session to
   * review.
   */
  async stop16(connection: ChargerConnection, stop: Stop16): Promise<Authorization | null> {
    const receivedAt = this.clock.now();
    const skewed = isClockSkewed(stop.timestamp, receivedAt);
    const transactionId = String(stop.transactionId);
    const samples = [...stop.samples, energySample(stop.meterStopWh, stop.timestamp, 'Transaction.End')];
    // The session and, for the answer, the id tag (in an open session or not, it is accepted: the
    // concurrency check does not apply to a stop) in one read, batched with other chargers' stops.
    const row = await this.stopReads.add({
      chargePointId: connection.chargePointId,
      transactionId,
      organizationId: connection.organizationId,
      idTag: stop.idTag ? normalizeIdTag(stop.idTag) : null,
    });
    if (row.id !== null) {
      await this.meters.storeAndComplete(
        connection,
        samples,
        {
          sessionId: row.id,
          transactionId,
          evseNumber: row.evse_number,
          connectorNumber: row.connector_number,
        },
        { stoppedAt: stop.timestamp, receivedAt, reason: stop.reason, clockSkew: skewed },
      );
    } else {
      await this.db.transaction((manager) =>
        this.recordUnknownStop16(manager, connection, stop, samples, receivedAt, skewed),
      );
    }
    if (!stop.idTag) return null;
    return this.auth.decide(
      row.tag_id === null
        ? undefined
        : { id: row.tag_id, status: row.tag_status!, expires_at: row.tag_expires_at, busy: false },
      false,
    );
  }

  private async recordUnknownStop16(
    manager: EntityManager,
    connection: ChargerConnection,
    stop: Stop16,
    samples: NormalizedSample[],
    receivedAt: Date,
    skewed: boolean,
  ): Promise<void> {
    this.logger.warn(
      { chargePointId: connection.chargePointId, transactionId: stop.transactionId },
      'StopTransaction for an unknown transaction, recorded for review',
    );
    const transactionId = `unknown:${stop.transactionId}`;
    await manager.query(
      `INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
         id_tag, status, stopped_at, stop_received_at, stop_reason, flags)
       VALUES ($1, $2, $3, '1.6', $4, $5, 'completed', $6, $7, $8, $9::text[])
       ON CONFLICT DO NOTHING`,
      [
        newId('sess'),
        connection.organizationId,
        connection.chargePointId,
        transactionId,
        stop.idTag,
        stop.timestamp,
        receivedAt,
        stop.reason,
        ['unknown_transaction', ...(skewed ? ['clock_skew'] : [])],
      ],
    );
    const session = await manager
      .getRepository(ChargingSession)
      .findOneByOrFail({ chargePointId: connection.chargePointId, transactionId });
    await this.meters.storeAndRecomputeIn(manager, connection, samples, {
      sessionId: session.id,
      transactionId: session.transactionId,
      evseNumber: session.evseNumber,
      connectorNumber: session.connectorNumber,
    });
  }

  /**
   * A charger runs one transaction per EVSE: sessions still open there that started before a new one
   * lost their stop (a charger reset, a lost message). They are closed and flagged `superseded`, so their
   * id tag is not stuck in ConcurrentTx.
   */
  private async closeSuperseded(
    manager: EntityManager,
    connection: ChargerConnection,
    evseNumber: number,
    startedAt: Date,
    exceptSessionId = '',
  ): Promise<void> {
    const [closed]: [Array<{ id: string }>, number] = await manager.query(
      `UPDATE charging_sessions SET status = 'completed', flags = array_append(flags, 'superseded'),
         stop_received_at = $4, updated_at = now()
       WHERE charge_point_id = $1 AND evse_number = $2 AND status = 'active' AND started_at < $3 AND id <> $5
       RETURNING id`,
      [connection.chargePointId, evseNumber, startedAt, this.clock.now(), exceptSessionId],
    );
    await this.superseded(
      manager,
      connection,
      closed.map((c) => c.id),
    );
  }

  /** Sessions just closed as superseded: logged, and recomputed now that they are completed. */
  private async superseded(
    manager: EntityManager,
    connection: ChargerConnection,
    ids: string[],
  ): Promise<void> {
    for (const id of ids) {
      this.logger.warn(
        { chargePointId: connection.chargePointId, sessionId: id },
        'Closed a superseded session',
      );
      await this.meters.recompute(id, manager);
    }
  }

  /** The session a 1.6 MeterValues belongs to (by transactionId), or null. */
  async sessionOfTransaction(
    connection: ChargerConnection,
    transactionId: string,
  ): Promise<ChargingSession | null> {
    return this.db
      .getRepository(ChargingSession)
      .findOneBy({ chargePointId: connection.chargePointId, transactionId });
  }

  /** The id of the session of a 1.6 transaction, remembered on the connection: MeterValues come often. */
  async sessionIdOfTransaction(connection: ChargerConnection, transactionId: string): Promise<string | null> {
    const known = connection.sessionIds?.get(transactionId);
    if (known) return known;
    const session = await this.sessionOfTransaction(connection, transactionId);
    if (!session) return null;
    this.remember(connection, transactionId, session.id);
    return session.id;
  }

  private remember(connection: ChargerConnection, transactionId: string, sessionId: string): void {
    if (!connection.sessionIds || connection.sessionIds.size >= 16) connection.sessionIds = new Map();
    connection.sessionIds.set(transactionId, sessionId);
  }

  /** The open session on an EVSE (2.0.1 MeterValues carry no transaction id). */
  async activeSessionOnEvse(
    connection: ChargerConnection,
    evseNumber: number,
  ): Promise<ChargingSession | null> {
    return this.db.getRepository(ChargingSession).findOne({
      where: { chargePointId: connection.chargePointId, evseNumber, status: 'active' },
      order: { createdAt: 'DESC' },
    });
  }

  /**
   * A 2.0.1 TransactionEvent: the session is keyed on (charge point, transactionId) and created by
   * whichever event arrives first; an event already seen (same seqNo) changes nothing.
   *
   * The session and the event are written in one transaction; a periodic Updated event of a stored
   * session (no id token, reservation or remote start id: `isPlainUpdate`) in one statement with those
   * of other chargers instead, as atomic. The readings of an Ended event are stored
   * in it too, so the session is never seen completed without its final readings. Those of a Started or
   * Updated event (the periodic meter values of a 2.0.1 charger) are stored after it commits, batched
   * with the MeterValues of other chargers, before the answer: they are stored whether or not the event
   * was seen before (a set already stored is skipped), so a retry after a failure between the two
   * writes stores what the first attempt did not.
   */
  async transactionEvent(
    connection: ChargerConnection,
    event: TransactionEvent,
  ): Promise<{ sessionId: string; authorization: Authorization | null }> {
    const receivedAt = this.clock.now();
    if (isPlainUpdate(event)) {
      const row = await this.updates.add({ connection, event, receivedAt });
      if (row.id !== null) {
        if (event.samples.length > 0) {
          await this.meters.storeAndRecompute(connection, event.samples, {
            sessionId: row.id,
            transactionId: event.transactionId,
            evseNumber: row.evse_number,
            connectorNumber: row.connector_number,
          });
        }
        return { sessionId: row.id, authorization: null };
      }
    }
    const { chargePointId, organizationId } = connection;
    const ended = event.eventType === 'Ended';
    const written = await this.db.transaction(async (manager) => {
      await queryPreparedIn(
        manager,
        `INSERT INTO charging_sessions (id, organization_id, charge_point_id, ocpp_version, transaction_id,
           status, start_received_at)
         VALUES ($1, $2, $3, '2.0.1', $4, 'active', $5)
         ON CONFLICT (charge_point_id, transaction_id) DO NOTHING`,
        [newId('sess'), organizationId, chargePointId, event.transactionId, receivedAt],
      );
      const [session] = await queryPreparedIn<{
        id: string;
        last_seq_no: number | null;
        evse_number: number | null;
        connector_number: number | null;
      }>(
        manager,
        `SELECT id, last_seq_no, evse_number, connector_number FROM charging_sessions
         WHERE charge_point_id = $1 AND transaction_id = $2 FOR UPDATE`,
        [chargePointId, event.transactionId],
      );
      if (event.eventType === 'Started' && event.evseNumber !== null) {
        await this.closeSuperseded(manager, connection, event.evseNumber, event.timestamp, session.id);
      }
      const authorization = event.idToken
        ? await this.auth.authorize(organizationId, event.idToken.value, {
            exceptSessionId: session.id,
            manager,
          })
        : null;
      const fresh = await queryPreparedIn(
        manager,
        `INSERT INTO transaction_events (charge_point_id, transaction_id, seq_no, session_id, event_type,
           trigger_reason, offline, charger_timestamp, received_at, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (charge_point_id, transaction_id, seq_no) DO NOTHING RETURNING id`,
        [
          chargePointId,
          event.transactionId,
          event.seqNo,
          session.id,
          event.eventType,
          event.triggerReason.slice(0, 40),
          event.offline,
          event.timestamp,
          receivedAt,
          event.payload,
        ],
      );
      const target = {
        sessionId: session.id,
        transactionId: event.transactionId,
        evseNumber: session.evse_number,
        connectorNumber: session.connector_number,
      };
      if (fresh.length === 0) return { sessionId: session.id, authorization, target };

      const idTagId = authorization?.idTagId ?? null;
      const newFlags: string[] = [];
      if (!event.offline && isClockSkewed(event.timestamp, receivedAt)) newFlags.push('clock_skew');
      if (session.last_seq_no !== null && event.seqNo < session.last_seq_no)
        newFlags.push('late_offline_events');
      const [evse] = await queryPreparedIn<{ evse_number: number | null; connector_number: number | null }>(
        manager,
        `UPDATE charging_sessions SET
           started_at = CASE WHEN $2 = 'Started' THEN $3
                             ELSE coalesce(started_at, $3) END,
           evse_number = coalesce(evse_number, $4),
           connector_number = coalesce(connector_number, $5),
           id_tag = coalesce(id_tag, $6),
           id_token_type = coalesce(id_token_type, $7),
           id_tag_id = coalesce(id_tag_id, $8),
           remote_start_id = coalesce(remote_start_id, $9),
           status = CASE WHEN $2 = 'Ended' THEN 'completed' ELSE status END,
           stopped_at = CASE WHEN $2 = 'Ended' THEN $3 ELSE stopped_at END,
           stop_received_at = CASE WHEN $2 = 'Ended' THEN $10 ELSE stop_received_at END,
           stop_reason = CASE WHEN $2 = 'Ended' THEN coalesce($11, stop_reason) ELSE stop_reason END,
           last_seq_no = greatest(coalesce(last_seq_no, $12), $12),
           flags = ARRAY(SELECT DISTINCT f FROM unnest(flags || $13::text[]) AS f ORDER BY f),
           updated_at = now()
         WHERE id = $1
         RETURNING evse_number, connector_number`,
        [
          session.id,
          event.eventType,
          event.timestamp,
          event.evseNumber,
          event.connectorNumber,
          event.idToken?.value.slice(0, 36) ?? null,
          event.idToken?.type.slice(0, 20) ?? null,
          idTagId,
          event.remoteStartId,
          receivedAt,
          event.stoppedReason?.slice(0, 40) ?? null,
          event.seqNo,
          newFlags,
        ],
      );
      target.evseNumber = evse.evse_number;
      target.connectorNumber = evse.connector_number;
      if (ended) {
        await this.meters.storeAndRecomputeIn(manager, connection, event.samples, target);
      } else {
        await this.useReservation(manager, connection, {
          sessionId: session.id,
          reservationId: event.reservationId,
          connectorId: evse.evse_number,
          idTag: event.idToken?.value ?? null,
        });
      }
      return { sessionId: session.id, authorization, target };
    });
    if (!ended && event.samples.length > 0) {
      await this.meters.storeAndRecompute(connection, event.samples, written.target);
    }
    return { sessionId: written.sessionId, authorization: written.authorization };
  }

  /**
   * A start on a reservation uses it: the reservation id the charger sent, or the reserved id tag on
   * the reserved connector (1.6 connectorId, 2.0.1 evseId).
   */
  private async useReservation(
    manager: EntityManager,
    connection: ChargerConnection,
    use: {
      sessionId: string;
      reservationId: number | null;
      connectorId: number | null;
      idTag: string | null;
    },
  ): Promise<void> {
    if (use.reservationId === null && (use.connectorId === null || !use.idTag)) return;
    const used = await ReservationTransitions.markUsed(
      manager,
      { chargePointId: connection.chargePointId, ...use },
      this.clock.now(),
    );
    if (used) {
      this.logger.log(
        { chargePointId: connection.chargePointId, reservation: used, sessionId: use.sessionId },
        'Reservation used',
      );
    }
  }
}
