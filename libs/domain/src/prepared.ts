import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** A node-postgres pool or client: both run a named statement. */
interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/** Data sources whose statements run unnamed (see {@link withoutPreparedStatements}). */
const unprepared = new WeakSet<DataSource>();

/**
 * `queryPrepared` and `queryPreparedIn` on `db` run their statements unnamed, as `db.query` does: for
 * connections that share one database session (embedded mode's PGlite), where a statement one
 * connection prepared is already there when another prepares it.
 */
export function withoutPreparedStatements(db: DataSource): DataSource {
  unprepared.add(db);
  return db;
}

/** A statement's name: derived from its text, so one text always has one name on every connection. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `csms_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** TypeORM answers an UPDATE or DELETE as [rows, count] and anything else as its rows. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/**
 * Runs a statement of a hot path as a named prepared statement: each pool connection parses it once and
 * Postgres can keep its plan, instead of parsing and planning it on every call (on the charge point list
 * that was as long as running it). `text` must be a constant shape (values as parameters, never spliced
 * in) or every variant becomes a statement of its own. Outside a transaction (`queryPreparedIn` inside
 * one); it bypasses TypeORM's query logging, not the pool's statement_timeout. A generic plan is kept
 * until the table's statistics change (ANALYZE, which autovacuum runs as a table grows), so use it for
 * statements whose best plan does not depend on a table's size: lookups by key through an index (the
 * charge point list by organization; the gateway's StartTransaction and its MeterValues batches, whose
 * sessions are read and updated by id).
 */
export async function queryPrepared<T>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  if (unprepared.has(db)) return rowsOf<T>(await db.query(text, values));
  const pool = (db.driver as unknown as { master: PgQueryable }).master;
  const result = await pool.query({ name: nameOf(text), text, values });
  return result.rows as T[];
}

/**
 * `queryPrepared` inside the transaction of `manager` (as given by `DataSource.transaction`): the
 * statement runs on the transaction's connection, prepared there once. The same caveats apply: a
 * constant text, and a plan that does not depend on a table's size (lookups by key through an index).
 * Errors are node-postgres's own (a `DatabaseError` with its `code`), not TypeORM's `QueryFailedError`.
 */
export async function queryPreparedIn<T>(
  manager: EntityManager,
  text: string,
  values: unknown[],
): Promise<T[]> {
  if (unprepared.has(manager.connection)) return rowsOf<T>(await manager.query(text, values));
  const runner = manager.queryRunner;
  if (!runner) return queryPrepared<T>(manager.connection, text, values);
  const client = (await runner.connect()) as PgQueryable;
  const result = await client.query({ name: nameOf(text), text, values });
  return result.rows as T[];
}
