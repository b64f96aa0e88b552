import { Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Clock } from '@csms/common';
import { pgArrayLiteral, pgColumn, pgRowArrayLiteral, queryPrepared } from '@csms/domain';
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
 * The sampled-value sets of one message, as columns. Timestamps as ISO strings; the values of each set
 * as array literals (`pgRowArrayLiteral`), one per set in each of the last seven columns.
 */
interface MessageSets {
  sampledAt: string[];
  dedupKey: string[];
  registerWh: Array<string | null>;
  registerContext: Array<string | null>;
  measurands: string[];
  phases: string[];
  locations: string[];
  contexts: string[];
  units: string[];
  values: string[];
  rawValues: string[];
}

const SET_KEYS: Array<keyof MessageSets> = [
  'sampledAt',
  'dedupKey',
  'registerWh',
  'registerContext',
  'measurands',
  'phases',
  'locations',
  'contexts',
  'units',
  'values',
  'rawValues',
];

/** The MeterValues of a batch as statement parameters: one entry per set, its message's fields repeated. */
interface MeterBatch extends MessageSets {
  organizationId: string[];
  chargePointId: string[];
  sessionId: Array<string | null>;
  evseNumber: Array<number | null>;
  connectorNumber: Array<number | null>;
  receivedAt: string[];
}

/** In the order of the statement's parameters: the message fields, then the set fields. */
const BATCH_KEYS: Array<keyof MeterBatch> = [
  'organizationId',
  'chargePointId',
  'sessionId',
  'evseNumber',
  'connectorNumber',
  'receivedAt',
  ...SET_KEYS,
];

const newColumns = <T>(keys: Array<keyof T>): T =>
  Object.fromEntries(keys.map((k) => [k, []])) as unknown as T;

/**
 * The identity of a sampled value: the MD5 of its key (transaction, EVSE, connector, time, measurand,
 * phase, location, context), cut at 300 characters as the key was stored before it became a digest.
 */
export function dedupDigest(key: string): string {
  // 32 hex digits: Postgres reads a uuid without its hyphens, so none are added here.
  return hash('md5', key.slice(0, 300), 'hex');
}

/**
 * The identity of a sampled-value set: the MD5 of its values' digests joined by commas, as the
 * migration to sets computed it for the values stored before (MeterValueSets).
 */
export function setDigest(valueDigests: string[]): string {
  return hash('md5', valueDigests.join(','), 'hex');
}

/**
 * $1..$17: a MeterBatch, one row per set, inserted in the order of the sets. With `skipStored`, a set
 * already stored (a retried message) is skipped; without, it fails the statement (the unique index),
 * which saves Postgres the check before each row's insertion when nothing is stored twice, the usual
 * case.
 */
const insertSql = (
  skipStored: boolean,
) => `INSERT INTO meter_value_sets (organization_id, charge_point_id, session_id, evse_number,
    connector_number, received_at, sampled_at, dedup_key, register_wh, register_context, measurands, phases,
    locations, contexts, units, values, raw_values)
  SELECT organization_id, charge_point_id, session_id, evse_number, connector_number, received_at,
    sampled_at, dedup_key, register_wh, register_context, measurands::text[], phases::text[],
    locations::text[], contexts::text[], units::text[], values::numeric[], raw_values::text[]
  FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[], $5::int[], $6::timestamptz[],
      $7::timestamptz[], $8::uuid[], $9::numeric[], $10::varchar[], $11::text[], $12::text[], $13::text[],
      $14::text[], $15::text[], $16::text[], $17::text[])
    AS s(organization_id, charge_point_id, session_id, evse_number, connector_number, received_at,
      sampled_at, dedup_key, register_wh, register_context, measurands, phases, locations, contexts, units,
      values, raw_values)
  ${skipStored ? 'ON CONFLICT (charge_point_id, sampled_at, dedup_key) DO NOTHING' : ''}`;

const INSERT = insertSql(true);
const INSERT_NEW = insertSql(false);

/**
 * Recomputes the sessions `sessions` (a varchar[] parameter) from their billing-register samples, given
 * as the CTE `r` (session_id, id, value, sampled_at, context): meter start (the earliest
 * Transaction.Begin reading, else the earliest), last reading (the latest Transaction.End reading, else
 * the latest), the meter stop once completed, the energy, and the flags `decreasing_register` (a reading
 * below the one before, in the order the charger took them) and `meter_stop_below_start`. Flags are only
 * ever added. `stops`, when given, is a set of five parameters (session ids, stopped at, received at,
 * reason, clock skewed): those sessions, if still active, are completed in the same update.
 */
const recomputeFrom = (registerRows: string, sessions: string, stops?: string[]) => {
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
  agg AS (
    SELECT ids.id, f.value AS first, l.value AS last, coalesce(d.decreasing, false) AS decreasing,
      ${
        stops
          ? `st.stopped_at, st.received_at AS stop_received_at, st.reason AS stop_reason,
             coalesce(st.skewed, false) AS stop_skewed`
          : `NULL::timestamptz AS stopped_at, NULL::timestamptz AS stop_received_at,
             NULL::varchar AS stop_reason, false AS stop_skewed`
      }
    FROM unnest(${sessions}::varchar[]) AS ids(id) LEFT JOIN f ON f.session_id = ids.id
      LEFT JOIN l ON l.session_id = ids.id LEFT JOIN d ON d.session_id = ids.id
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
  FROM agg WHERE s.id = agg.id`;
};

/**
 * The billing register readings of the sessions stored before, looked up session by session in
 * `meter_value_sets_register_idx` (OFFSET 0 keeps the lookup a subquery per session: joined instead,
 * a table whose statistics are stale, as after a bulk of new rows, could be read whole).
 */
const storedRegisterRows = (sessions: string) =>
  `SELECT m.session_id, m.id, m.register_wh AS value, m.sampled_at, m.register_context AS context
   FROM unnest(${sessions}::varchar[]) AS q(id)
   CROSS JOIN LATERAL (
     SELECT session_id, id, register_wh, sampled_at, register_context FROM meter_value_sets
     WHERE session_id = q.id AND register_wh IS NOT NULL OFFSET 0) AS m`;

const RECOMPUTE = `WITH ${recomputeFrom(storedRegisterRows('$1'), '$1')}`;

/**
 * Insert and recompute in one statement. Its snapshot is taken before the insert, so the sets stored
 * before are read from the table and the ones it inserts from RETURNING: together, exactly the stored
 * sets once the statement is done (a set skipped as already stored is read from the table).
 */
const insertAndRecomputeSql = (skipStored: boolean) => `WITH ins AS (${insertSql(skipStored)}
    RETURNING session_id, id, register_wh, sampled_at, register_context),
  ${recomputeFrom(
    `${storedRegisterRows('$18')}
     UNION ALL
     SELECT session_id, id, register_wh, sampled_at, register_context FROM ins
     WHERE session_id IS NOT NULL AND register_wh IS NOT NULL`,
    '$18',
    ['$19', '$20', '$21', '$22', '$23'],
  )}`;

const INSERT_AND_RECOMPUTE = insertAndRecomputeSql(true);
const INSERT_NEW_AND_RECOMPUTE = insertAndRecomputeSql(false);

/**
 * The samples of a message as sampled-value sets: the samples of one time form one set (two sets of the
 * same time, one). A set holds a value once per measurand, phase, location and context (the first sent,
 * as a retried value is skipped). Its billing register reading is the first of its values that is one.
 */
function setsOf(samples: NormalizedSample[], target: SampleTarget): MessageSets {
  const sets = newColumns<MessageSets>(SET_KEYS);
  const keyHead = `${target.transactionId ?? ''}|${target.evseNumber ?? ''}|${target.connectorNumber ?? ''}|`;
  const byTime = new Map<number, { keys: Map<string, NormalizedSample>; sampledAt: string }>();
  for (const s of samples) {
    const atMs = s.sampledAt.getTime();
    let set = byTime.get(atMs);
    if (!set) byTime.set(atMs, (set = { keys: new Map(), sampledAt: s.sampledAt.toISOString() }));
    const key = `${s.measurand}|${s.phase ?? ''}|${s.location ?? ''}|${s.context ?? ''}`;
    if (!set.keys.has(key)) set.keys.set(key, s);
  }
  for (const { keys, sampledAt } of byTime.values()) {
    const digests: string[] = [];
    let register: NormalizedSample | undefined;
    for (const [key, s] of keys) {
      digests.push(dedupDigest(`${keyHead}${sampledAt}|${key}`));
      if (!register && isBillingEnergy(s)) register = s;
    }
    const values = [...keys.values()];
    sets.sampledAt.push(sampledAt);
    sets.dedupKey.push(setDigest(digests));
    sets.registerWh.push(register ? String(register.value) : null);
    sets.registerContext.push(register ? register.context : null);
    sets.measurands.push(pgRowArrayLiteral(values.map((v) => v.measurand.slice(0, 64))));
    sets.phases.push(pgRowArrayLiteral(values.map((v) => v.phase)));
    sets.locations.push(pgRowArrayLiteral(values.map((v) => v.location)));
    sets.contexts.push(pgRowArrayLiteral(values.map((v) => v.context)));
    sets.units.push(pgRowArrayLiteral(values.map((v) => v.unit)));
    sets.values.push(pgRowArrayLiteral(values.map((v) => v.value)));
    sets.rawValues.push(pgRowArrayLiteral(values.map((v) => v.rawValue)));
  }
  return sets;
}

/** After a batch held a set already stored, batches skip stored sets for this long. */
const RETRIES_WINDOW_MS = 60_000;

/** A unique violation: a set of the batch was stored already (node-postgres's error, or TypeORM's). */
const isStoredAlready = (err: unknown) =>
  (err instanceof QueryFailedError ? (err.driverError as { code?: string }) : (err as { code?: string }))
    ?.code === '23505';

/** A 1.6 StopTransaction's completion of its session. */
export interface SessionStop {
  stoppedAt: Date;
  receivedAt: Date;
  reason: string | null;
  /** The charger's clock is off: the session is flagged `clock_skew`. */
  clockSkew: boolean;
}

/** One message: where its samples belong, and its sampled-value sets. */
interface MeterWrite {
  organizationId: string;
  chargePointId: string;
  target: SampleTarget;
  receivedAt: string;
  sets: MessageSets;
  stop?: SessionStop;
}

/** The five stop parameters of a statement that stops no session: empty arrays. */
const NO_STOPS = ['{}', '{}', '{}', '{}', '{}'];

/** Stores sampled values once and derives the session's energy from the billing register. */
@Injectable()
export class MeterValuesService {
  /** MeterValues of many chargers written together: one statement (insert and recompute) per batch. */
  private readonly batcher = new WriteBatcher<MeterWrite>((writes) => this.writeBatch(writes), {
    maxBatch: 1000,
    maxConcurrent: 4,
  });

  /** When a batch last held a set already stored. */
  private storedSeenAtMs = -Infinity;

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
    const batch = this.batchOf([this.writeOf(connection, samples, target)]);
    await manager.query(INSERT_AND_RECOMPUTE, [
      ...this.values(batch),
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
    return {
      organizationId: connection.organizationId,
      chargePointId: connection.chargePointId,
      target,
      receivedAt: this.clock.now().toISOString(),
      sets: setsOf(samples, target),
    };
  }

  private batchOf(writes: MeterWrite[]): MeterBatch {
    const batch = newColumns<MeterBatch>(BATCH_KEYS);
    for (const w of writes) {
      for (let k = 0; k < w.sets.sampledAt.length; k++) {
        batch.organizationId.push(w.organizationId);
        batch.chargePointId.push(w.chargePointId);
        batch.sessionId.push(w.target.sessionId);
        batch.evseNumber.push(w.target.evseNumber);
        batch.connectorNumber.push(w.target.connectorNumber);
        batch.receivedAt.push(w.receivedAt);
      }
      for (const key of SET_KEYS) {
        const into = batch[key] as unknown[];
        for (const v of w.sets[key]) into.push(v);
      }
    }
    return batch;
  }

  /** The batch's columns as array literals (see pgArrayLiteral: node-postgres's own arrays cost far more). */
  private values(batch: MeterBatch): string[] {
    return BATCH_KEYS.map((k) => pgArrayLiteral(batch[k]));
  }

  /**
   * One statement per batch, committed on its own: the samples of every message, the recompute of every
   * session they belong to and the completion of the sessions stopped.
   */
  private async writeBatch(writes: MeterWrite[]): Promise<void> {
    const batch = this.batchOf(writes);
    const sessions = [
      ...new Set(writes.map((w) => w.target.sessionId).filter((id): id is string => id !== null)),
    ];
    let values = this.values(batch);
    let sql: [string, string];
    if (sessions.length === 0) {
      if (batch.dedupKey.length === 0) return;
      sql = [INSERT_NEW, INSERT];
    } else {
      const stops = new Map<string, SessionStop>();
      for (const w of writes) {
        const id = w.target.sessionId;
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
        if (!isStoredAlready(err)) throw err;
        this.storedSeenAtMs = this.clock.nowMs();
      }
    }
    await queryPrepared(this.db, skippingStored, values);
  }
}
