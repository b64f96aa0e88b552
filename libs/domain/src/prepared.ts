import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/** A statement's name: derived from its text, so one text always has one name on every connection. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `csms_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a statement of a hot path as a named prepared statement: each pool connection parses it once and
 * Postgres can keep its plan, instead of parsing and planning it on every call (on the charge point list
 * that was as long as running it). `text` must be a constant shape (values as parameters, never spliced
 * in) or every variant becomes a statement of its own. Outside a transaction only; it bypasses TypeORM's
 * query logging, not the pool's statement_timeout. A generic plan is kept until the table's statistics
 * change (ANALYZE, which autovacuum runs as a table grows), so use it for statements whose best plan does
 * not depend on a table's size (an index lookup by organization), not for the gateway's batch writes.
 */
export async function queryPrepared<T>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = (db.driver as unknown as { master: PgPool }).master;
  const result = await pool.query({ name: nameOf(text), text, values });
  return result.rows as T[];
}
