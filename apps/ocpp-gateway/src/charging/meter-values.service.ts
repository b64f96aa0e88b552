import { Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, isUniqueViolation } from '@csms/common';
import {
  layoutDigestOfKey,
  layoutKey,
  pgArrayLiteral,
  pgColumn,
  pgElement,
  pgRowArrayLiteral,
  pgRowElement,
  queryPrepared,
  queryPreparedIn,
} from '@csms/domain';
import type { MeterLayoutFields } from '@csms/domain';
import type { ChargerConnection } from '../ocpp/connections.service';
import { WriteBatcher } from './write-batcher';
import { isBillingEnergy, NormalizedSample } from '../ocpp/ocpp-mapper';

export interface SampleTarget {
  sessionId: string | null;
  transactionId: string | null;
  evseNumber: number | null;
  connectorNumber: number | null;
}

/**
 * Parameters $1..$13 of a batch: six fields of the message, repeated for each of its sets, then seven
 * of the set.
 */
const ROW_PARAMETERS = 13;

/**
 * One message's rows (one per sampled-value set) as pieces of the batch's thirteen array parameters:
 * for each parameter, the elements of this message's rows (`pgElement`), joined by commas. A batch joins
 * the pieces of its messages, so each value is encoded once, as its message arrives, and no column is
 * copied or quoted again per batch. `layouts` holds the layout of each set (its digest and key).
 */
interface EncodedRows {
  rows: number;
  pieces: string[];
  layouts: Layout[];
}

/** A set's layout: its digest (the set's `layout`) and its key (its five arrays as JSON, `layoutKey`). */
interface Layout {
  digest: string;
  key: string;
}

/** The layouts seen, by key: a charger sends the same few layouts again and again. */
const layoutsSeen = new Map<string, Layout>();
/** Layout keys are bounded by the OCPP schemas' enumerations, not by a small number: past this, start again. */
const MAX_LAYOUTS_REMEMBERED = 10_000;

function layoutOf(fields: MeterLayoutFields): Layout {
  const key = layoutKey(fields);
  let layout = layoutsSeen.get(key);
  if (layout === undefined) {
    if (layoutsSeen.size >= MAX_LAYOUTS_REMEMBERED) layoutsSeen.clear();
    layout = { digest: layoutDigestOfKey(key), key };
    layoutsSeen.set(key, layout);
  }
  return layout;
}

/** Layouts not stored yet: written before (or in the same transaction as) the sets that name them. */
const INSERT_LAYOUTS = `INSERT INTO meter_value_layouts (digest, measurands, phases, locations, contexts, units)
  SELECT digest, measurands::text[], phases::text[], locations::text[], contexts::text[], units::text[]
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
    AS l(digest, measurands, phases, locations, contexts, units)
  ON CONFLICT DO NOTHING`;

/** The parameters of INSERT_LAYOUTS for `layouts` (their five arrays read back from their keys). */
function layoutParameters(layouts: Layout[]): string[] {
  const fields = layouts.map((l) => JSON.parse(l.key) as Array<Array<string | null>>);
  return [
    pgColumn(layouts, (l) => l.digest),
    ...[0, 1, 2, 3, 4].map((k) => pgColumn(fields, (f) => pgRowArrayLiteral(f[k]))),
  ];
}

/**
 * The identity of a sampled value: the MD5 of its key (transaction, EVSE, connector, time, measurand,
 * phase, location, context), cut at 300 characters as the key was stored before it became a digest.
 */
export function dedupDigest(key: string): string {
  // 32 hex digits: Postgres reads a uuid without its hyphens, so none are added here.
  return hash('md5', key.slice(0, 300), 'hex');
}

/**
 * The identity of a sampled-value set: the MD5 of its values' digests joined by commas (given joined),
 * as the migration to sets computed it for the values stored before (MeterValueSets).
 */
export function setDigest(joinedValueDigests: string): string {
  return hash('md5', joinedValueDigests, 'hex');
}

/**
 * $1..$13: the rows of a batch (see EncodedRows), one per set, inserted in the order of the sets. With
 * `skipStored`, a set already stored (a retried message) is skipped; without, it fails the statement
 * (the unique index), which saves Postgres the check before each row's insertion when nothing is stored
 * twice, the usual case.
 */
const insertSql = (
  skipStored: boolean,
) => `INSERT INTO meter_value_sets (organization_id, charge_point_id, session_id, evse_number,
    connector_number, received_at, sampled_at, dedup_key, register_wh, register_context, layout, values,
    raw_values)
  SELECT organization_id, charge_point_id, session_id, evse_number, connector_number, received_at,
    sampled_at, dedup_key, register_wh, register_context, layout, values::numeric[], raw_values::text[]
  FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[], $5::int[], $6::timestamptz[],
      $7::timestamptz[], $8::uuid[], $9::numeric[], $10::varchar[], $11::uuid[], $12::text[], $13::text[])
    AS s(organization_id, charge_point_id, session_id, evse_number, connector_number, received_at,
      sampled_at, dedup_key, register_wh, register_context, layout, values, raw_values)
  ${skipStored ? 'ON CONFLICT (charge_point_id, sampled_at, dedup_key) DO NOTHING' : ''}`;

const INSERT = insertSql(true);
const INSERT_NEW = insertSql(false);

/**
 * Recomputes the sessions of `ids` (a FROM item with a column `id`) from their billing-register samples,
 * given as the CTE `r` (session_id, id, value, sampled_at, context): meter start (the earliest
 * Transaction.Begin reading, else the earliest), last reading (the latest Transaction.End reading, else
 * the latest), the meter stop once completed, the energy, and the flags `decreasing_register` (a reading
 * below the one before, in the order the charger took them) and `meter_stop_below_start`. Flags are only
 * ever added. `register_tail_at` is the time of the latest reading when no reading is a Transaction.End
 * one (else NULL): what lets the next readings extend the session instead (see insertAndRecomputeSql).
 * `stops`, when given, is a set of five parameters (session ids, stopped at, received at, reason, clock
 * skewed): those sessions, if still active, are completed in the same update. `extended`, when given, is
 * a CTE of the same columns as `agg` whose sessions are updated too. `idsParameter` is an array parameter
 * holding every session updated: the sessions are read through the primary key by it, rather than joined
 * by a hash of the whole table (the plan a prepared statement gets when its tables are small).
 */
const recomputeFrom = (
  registerRows: string,
  ids: string,
  idsParameter: string,
  stops?: string[],
  extended?: string,
) => {
  const stopping = `(agg.stopped_at IS NOT NULL AND s.status = 'active')`;
  const completed = `(s.status = 'completed' OR ${stopping})`;
  return `
  r AS (${registerRows}),
  d AS (
    SELECT session_id, bool_or(down) AS decreasing FROM (
      SELECT session_id, value < lag(value) OVER (PARTITION BY session_id ORDER BY sampled_at, id) AS down
      FROM r) AS e
    GROUP BY session_id),
  f AS (
    SELECT DISTINCT ON (session_id) session_id, value FROM r
    ORDER BY session_id, (context IS NOT DISTINCT FROM 'Transaction.Begin') DESC, sampled_at, id),
  l AS (
    SELECT DISTINCT ON (session_id) session_id, value FROM r
    ORDER BY session_id, (context IS NOT DISTINCT FROM 'Transaction.End') DESC, sampled_at DESC, id DESC),
  t AS (
    SELECT session_id,
      CASE WHEN bool_or(context IS NOT DISTINCT FROM 'Transaction.End') THEN NULL
        ELSE max(sampled_at) END AS tail
    FROM r GROUP BY session_id),
  agg AS (
    SELECT ids.id, f.value AS first, l.value AS last, coalesce(d.decreasing, false) AS decreasing,
      ${
        stops
          ? `st.stopped_at, st.received_at AS stop_received_at, st.reason AS stop_reason,
             coalesce(st.skewed, false) AS stop_skewed`
          : `NULL::timestamptz AS stopped_at, NULL::timestamptz AS stop_received_at,
             NULL::varchar AS stop_reason, false AS stop_skewed`
      },
      t.tail
    FROM ${ids} LEFT JOIN f ON f.session_id = ids.id
      LEFT JOIN l ON l.session_id = ids.id LEFT JOIN d ON d.session_id = ids.id
      LEFT JOIN t ON t.session_id = ids.id
    ${
      stops
        ? `LEFT JOIN unnest(${stops[0]}::varchar[], ${stops[1]}::timestamptz[], ${stops[2]}::timestamptz[],
             ${stops[3]}::varchar[], ${stops[4]}::boolean[]) AS st(id, stopped_at, received_at, reason, skewed)
           ON st.id = ids.id`
        : ''
    })
  UPDATE charging_sessions s SET
    status = CASE WHEN ${stopping} THEN 'completed' ELSE s.status END,
    stopped_at = CASE WHEN ${stopping} THEN agg.stopped_at ELSE s.stopped_at END,
    stop_received_at = CASE WHEN ${stopping} THEN agg.stop_received_at ELSE s.stop_received_at END,
    stop_reason = CASE WHEN ${stopping} THEN agg.stop_reason ELSE s.stop_reason END,
    meter_start_wh = agg.first,
    last_meter_wh = agg.last,
    meter_stop_wh = CASE WHEN ${completed} THEN agg.last ELSE NULL END,
    energy_wh = CASE WHEN agg.first IS NULL THEN NULL ELSE greatest(agg.last - agg.first, 0) END,
    register_tail_at = agg.tail,
    flags = CASE WHEN ${stopping} AND agg.stop_skewed OR agg.decreasing
                       OR ${completed} AND agg.last < agg.first
      THEN ARRAY(SELECT DISTINCT flag FROM unnest(
        s.flags
        || CASE WHEN ${stopping} AND agg.stop_skewed THEN ARRAY['clock_skew'] ELSE ARRAY[]::text[] END
        || CASE WHEN agg.decreasing THEN ARRAY['decreasing_register'] ELSE ARRAY[]::text[] END
        || CASE WHEN ${completed} AND agg.last < agg.first
                THEN ARRAY['meter_stop_below_start'] ELSE ARRAY[]::text[] END) AS flag ORDER BY flag)
      ELSE s.flags END,
    updated_at = now()
  FROM ${extended ? `(SELECT * FROM agg UNION ALL SELECT * FROM ${extended}) AS agg` : 'agg'}
  WHERE s.id = agg.id AND s.id = ANY(${idsParameter}::varchar[])`;
};

/**
 * The billing register readings of the sessions of `ids` (a FROM item with a column `id`) stored before,
 * looked up session by session in `meter_value_sets_session_idx` (OFFSET 0 keeps the lookup a subquery
 * per session: joined instead, a table whose statistics are stale, as after a bulk of new rows, could be
 * read whole).
 */
const storedRegisterRows = (ids: string) =>
  `SELECT m.session_id, m.id, m.register_wh AS value, m.sampled_at, m.register_context AS context
   FROM ${ids}
   CROSS JOIN LATERAL (
     SELECT session_id, id, register_wh, sampled_at, register_context FROM meter_value_sets
     WHERE session_id = ids.id AND register_wh IS NOT NULL OFFSET 0) AS m`;

const RECOMPUTE_IDS = 'unnest($1::varchar[]) AS ids(id)';
const RECOMPUTE = `WITH ${recomputeFrom(storedRegisterRows(RECOMPUTE_IDS), RECOMPUTE_IDS, '$1')}`;

/**
 * Insert and recompute in one statement. Its snapshot is taken before the insert, so the sets stored
 * before are read from the table and the ones it inserts from RETURNING (`n`, their register readings):
 * together, exactly the stored sets once the statement is done (a set skipped as already stored is read
 * from the table).
 *
 * Most messages only extend their session: an active session not stopped here, whose readings so far
 * hold no Transaction.End reading (`register_tail_at` set), gets readings all later than its latest one
 * and neither Transaction.Begin nor Transaction.End. Its meter start stays, its last reading is the
 * latest new one, and a decrease can only be between new readings or from its last reading to the first
 * new one: it is updated from its row and the new readings (`ext`, `e`), without reading its stored ones,
 * so a message costs the same at the thousandth reading of a session as at the first. Every other
 * session of the batch is recomputed in full.
 */
const insertAndRecomputeSql = (skipStored: boolean) => `WITH ins AS (${insertSql(skipStored)}
    RETURNING session_id, id, register_wh, sampled_at, register_context),
  n AS (
    SELECT session_id, id, register_wh AS value, sampled_at, register_context AS context FROM ins
    WHERE session_id IS NOT NULL AND register_wh IS NOT NULL),
  ext AS (
    SELECT c.id, c.meter_start_wh, c.last_meter_wh FROM charging_sessions c
    WHERE c.id = ANY($14::varchar[]) AND c.status = 'active' AND c.register_tail_at IS NOT NULL
      AND c.id <> ALL($15::varchar[])
      AND NOT EXISTS (
        SELECT 1 FROM n WHERE n.session_id = c.id
          AND (n.sampled_at <= c.register_tail_at
               OR n.context IN ('Transaction.Begin', 'Transaction.End')))),
  e AS (
    SELECT DISTINCT ON (x.session_id) x.session_id AS id, x.first, x.value AS last,
      coalesce(bool_or(x.down) OVER (PARTITION BY x.session_id), false) AS decreasing,
      NULL::timestamptz AS stopped_at, NULL::timestamptz AS stop_received_at, NULL::varchar AS stop_reason,
      false AS stop_skewed, x.sampled_at AS tail
    FROM (
      SELECT n.session_id, n.id, n.value, n.sampled_at, ext.meter_start_wh AS first,
        n.value < coalesce(lag(n.value) OVER (PARTITION BY n.session_id ORDER BY n.sampled_at, n.id),
                           ext.last_meter_wh) AS down
      FROM n JOIN ext ON ext.id = n.session_id) AS x
    ORDER BY x.session_id, x.sampled_at DESC, x.id DESC),
  full_ids AS (SELECT id FROM unnest($14::varchar[]) AS q(id) WHERE id NOT IN (SELECT id FROM ext)),
  ${recomputeFrom(
    `${storedRegisterRows('full_ids AS ids')}
     UNION ALL
     SELECT session_id, id, value, sampled_at, context FROM n
     WHERE session_id IN (SELECT id FROM full_ids)`,
    'full_ids AS ids',
    '$14',
    ['$15', '$16', '$17', '$18', '$19'],
    'e',
  )}`;

const INSERT_AND_RECOMPUTE = insertAndRecomputeSql(true);
const INSERT_NEW_AND_RECOMPUTE = insertAndRecomputeSql(false);

/**
 * The samples of a message as sampled-value sets: the samples of one time form one set (two sets of the
 * same time, one). A set holds a value once per measurand, phase, location and context (the first sent,
 * as a retried value is skipped). Its billing register reading is the first of its values that is one.
 * Answers the seven set parameters' pieces (see EncodedRows) and the sets' layouts; the values of a set
 * are written as one element each (`pgRowElement`), joined into that set's row literal.
 */
function setsOf(samples: NormalizedSample[], target: SampleTarget): EncodedRows {
  const keyHead = `${target.transactionId ?? ''}|${target.evseNumber ?? ''}|${target.connectorNumber ?? ''}|`;
  const byTime = new Map<number, NormalizedSample[]>();
  for (const s of samples) {
    const atMs = s.sampledAt.getTime();
    const group = byTime.get(atMs);
    if (group) group.push(s);
    else byTime.set(atMs, [s]);
  }
  const pieces: string[] = [];
  const layouts: Layout[] = [];
  let rows = 0;
  for (const group of byTime.values()) {
    const sampledAt = group[0].sampledAt.toISOString();
    const seen = new Set<string>();
    let digests = '';
    let register: NormalizedSample | undefined;
    const layout: MeterLayoutFields = { measurands: [], phases: [], locations: [], contexts: [], units: [] };
    let values = '';
    let rawValues = '';
    for (const v of group) {
      const key = `${v.measurand}|${v.phase ?? ''}|${v.location ?? ''}|${v.context ?? ''}`;
      if (seen.has(key)) continue;
      const sep = seen.size === 0 ? '' : ',';
      seen.add(key);
      digests += sep + dedupDigest(`${keyHead}${sampledAt}|${key}`);
      if (!register && isBillingEnergy(v)) register = v;
      layout.measurands.push(v.measurand.slice(0, 64));
      layout.phases.push(v.phase ?? null);
      layout.locations.push(v.location ?? null);
      layout.contexts.push(v.context ?? null);
      layout.units.push(v.unit ?? null);
      values += sep + pgRowElement(v.value);
      rawValues += sep + pgRowElement(v.rawValue);
    }
    const setLayout = layoutOf(layout);
    layouts.push(setLayout);
    const row = [
      pgElement(sampledAt),
      pgElement(setDigest(digests)),
      pgElement(register?.value),
      pgElement(register?.context),
      pgElement(setLayout.digest),
      pgElement(`{${values}}`),
      pgElement(`{${rawValues}}`),
    ];
    for (let k = 0; k < row.length; k++) pieces[k] = rows === 0 ? row[k] : `${pieces[k]},${row[k]}`;
    rows++;
  }
  return { rows, pieces, layouts };
}

/** Parameters $1..$13 of the rows of `writes`: each one's pieces joined into an array literal. */
function parametersOf(writes: MeterWrite[]): string[] {
  const parameters = new Array<string>(ROW_PARAMETERS);
  for (let k = 0; k < ROW_PARAMETERS; k++) {
    let literal = '';
    for (const w of writes) {
      if (w.rows > 0) literal = literal === '' ? w.pieces[k] : `${literal},${w.pieces[k]}`;
    }
    parameters[k] = `{${literal}}`;
  }
  return parameters;
}

/** An element repeated once per row of a message, as a piece (see EncodedRows). */
const repeated = (element: string, rows: number) =>
  rows === 1 ? element : new Array<string>(rows).fill(element).join(',');

/** After a batch held a set already stored, batches skip stored sets for this long. */
const RETRIES_WINDOW_MS = 60_000;

/** A 1.6 StopTransaction's completion of its session. */
export interface SessionStop {
  stoppedAt: Date;
  receivedAt: Date;
  reason: string | null;
  /** The charger's clock is off: the session is flagged `clock_skew`. */
  clockSkew: boolean;
}

/** One message: its session, and its sampled-value sets encoded as rows. */
interface MeterWrite extends EncodedRows {
  sessionId: string | null;
  stop?: SessionStop;
}

/** The five stop parameters of a statement that stops no session: empty arrays. */
const NO_STOPS = ['{}', '{}', '{}', '{}', '{}'];

/** Stores sampled values once and derives the session's energy from the billing register. */
@Injectable()
export class MeterValuesService {
  /**
   * MeterValues of many chargers written together: one statement (insert and recompute) per batch, one
   * batch at a time. The statement costs Postgres about half a millisecond whatever its size (executor
   * start-up, commit); with several batches in flight, the messages that arrive meanwhile are split
   * between more, smaller statements. One at a time, the next batch holds everything that arrived while
   * the previous one was written (docs/performance.md).
   */
  private readonly batcher = new WriteBatcher<MeterWrite>((writes) => this.writeBatch(writes), {
    maxBatch: 1000,
    maxConcurrent: 1,
  });

  /** When a batch last held a set already stored. */
  private storedSeenAtMs = -Infinity;

  /** Digests of the layouts known to be stored (committed): the sets naming them need nothing more. */
  private readonly storedLayouts = new Set<string>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A MeterValues message: stores its samples and recomputes its session, batched with the messages of
   * other chargers; resolves once committed, so the CALLRESULT follows the write.
   */
  storeAndRecompute(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
  ): Promise<void> {
    if (samples.length === 0 && !target.sessionId) return Promise.resolve();
    return this.batcher.add(this.writeOf(connection, samples, target));
  }

  /**
   * A 1.6 StopTransaction of a known session: its final readings, the recompute and the completion of the
   * session (if still active) in the same statement, batched like MeterValues. The session is never
   * seen completed without its final readings, and a retried stop changes nothing more.
   */
  storeAndComplete(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget & { sessionId: string },
    stop: SessionStop,
  ): Promise<void> {
    return this.batcher.add({ ...this.writeOf(connection, samples, target), stop });
  }

  /**
   * Stores the samples of a session (a set already stored is skipped) and recomputes it, in one
   * statement of the transaction of `manager`.
   */
  async storeAndRecomputeIn(
    manager: EntityManager,
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget & { sessionId: string },
  ): Promise<void> {
    const write = this.writeOf(connection, samples, target);
    // In the caller's transaction: a layout written here is stored only if it commits, so it is not
    // remembered as stored (a batch writes it again, which changes nothing if it was).
    const layouts = this.unstoredLayouts([write]);
    if (layouts.length > 0) await queryPreparedIn(manager, INSERT_LAYOUTS, layoutParameters(layouts));
    await queryPreparedIn(manager, INSERT_AND_RECOMPUTE, [
      ...parametersOf([write]),
      pgArrayLiteral([target.sessionId]),
      ...NO_STOPS,
    ]);
  }

  /**
   * Recomputes meter start/stop, energy and anomaly flags of a session from its stored billing-register
   * samples, in the order the charger took them, so retries and late offline events land right.
   */
  async recompute(sessionId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(RECOMPUTE, [[sessionId]]);
  }

  private writeOf(
    connection: ChargerConnection,
    samples: NormalizedSample[],
    target: SampleTarget,
  ): MeterWrite {
    const { rows, pieces, layouts } = setsOf(samples, target);
    if (rows === 0) return { sessionId: target.sessionId, rows, pieces, layouts };
    const message = [
      connection.organizationId,
      connection.chargePointId,
      target.sessionId,
      target.evseNumber,
      target.connectorNumber,
      this.clock.now(),
    ];
    return {
      sessionId: target.sessionId,
      rows,
      pieces: [...message.map((v) => repeated(pgElement(v), rows)), ...pieces],
      layouts,
    };
  }

  /**
   * One statement per batch, committed on its own: the samples of every message, the recompute of every
   * session they belong to and the completion of the sessions stopped.
   */
  private async writeBatch(writes: MeterWrite[]): Promise<void> {
    const layouts = this.unstoredLayouts(writes);
    if (layouts.length > 0) {
      await queryPrepared(this.db, INSERT_LAYOUTS, layoutParameters(layouts));
      for (const l of layouts) this.rememberStored(l.digest);
    }
    const sessions = [...new Set(writes.map((w) => w.sessionId).filter((id): id is string => id !== null))];
    let values = parametersOf(writes);
    let sql: [string, string];
    if (sessions.length === 0) {
      if (!writes.some((w) => w.rows > 0)) return;
      sql = [INSERT_NEW, INSERT];
    } else {
      const stops = new Map<string, SessionStop>();
      for (const w of writes) {
        const id = w.sessionId;
        if (w.stop && id && !stops.has(id)) stops.set(id, w.stop);
      }
      const stopped = [...stops.values()];
      values = [
        ...values,
        pgArrayLiteral(sessions.sort()),
        pgArrayLiteral([...stops.keys()]),
        pgColumn(stopped, (st) => st.stoppedAt),
        pgColumn(stopped, (st) => st.receivedAt),
        pgColumn(stopped, (st) => st.reason),
        pgColumn(stopped, (st) => st.clockSkew),
      ];
      sql = [INSERT_NEW_AND_RECOMPUTE, INSERT_AND_RECOMPUTE];
    }
    // Retried messages are rare: the batch is written as new sets only, and written again skipping
    // the stored ones if one of them was (the failed statement wrote nothing). Just after such a batch,
    // more retries are likely (a charger's queue after a reconnect): stored sets are skipped at once.
    // Prepared: at a few dozen messages a batch, parsing and planning the statement anew each time cost
    // as much as running it. Its plan is lookups by key whatever the batch's size.
    const [asNew, skippingStored] = sql;
    if (this.clock.nowMs() - this.storedSeenAtMs >= RETRIES_WINDOW_MS) {
      try {
        await queryPrepared(this.db, asNew, values);
        return;
      } catch (err) {
        // A unique violation: a set of the batch was stored already.
        if (!isUniqueViolation(err)) throw err;
        this.storedSeenAtMs = this.clock.nowMs();
      }
    }
    await queryPrepared(this.db, skippingStored, values);
  }

  /** The layouts of `writes` not known to be stored, each once. */
  private unstoredLayouts(writes: MeterWrite[]): Layout[] {
    const unstored = new Map<string, Layout>();
    for (const w of writes) {
      for (const l of w.layouts) if (!this.storedLayouts.has(l.digest)) unstored.set(l.digest, l);
    }
    return [...unstored.values()];
  }

  private rememberStored(digest: string): void {
    if (this.storedLayouts.size >= MAX_LAYOUTS_REMEMBERED) this.storedLayouts.clear();
    this.storedLayouts.add(digest);
  }
}
