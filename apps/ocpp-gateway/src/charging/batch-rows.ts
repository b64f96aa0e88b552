import { PgArrayElement, pgColumn } from '@csms/domain';

/** A column of a batch statement's rows: its name, its Postgres type, and its value for an item. */
export type BatchColumn<T> = readonly [name: string, type: string, value: (item: T) => PgArrayElement];

/**
 * The rows of a batch statement: one per element of its array parameters, one parameter per column
 * (name, Postgres type), numbered from `first`, in order, plus the element's position `n`. Used as
 * `FROM (${batchRows(...)}) AS v`, with {@link batchValues} for the parameters. The arrays are read
 * through a subquery the planner keeps (OFFSET 0): it then estimates the rows of unnest the same
 * whatever the arrays hold, so its plan for a call costs what the generic plan costs, and the prepared
 * statement settles on the generic plan after its first five. With the arrays in sight, each small batch
 * looks cheaper planned for itself, and every call was planned again (more than the batch's own work).
 */
export function batchRows(columns: ReadonlyArray<BatchColumn<never>>, first = 1): string {
  return `SELECT v.* FROM (SELECT ${columns.map(([name, type], i) => `$${first + i}::${type}[] AS ${name}`).join(', ')}
        OFFSET 0) AS a,
      unnest(${columns.map(([name]) => `a.${name}`).join(', ')})
        WITH ORDINALITY AS v(${columns.map(([name]) => name).join(', ')}, n)`;
}

/** The array parameters of {@link batchRows} for these items: one per column, in order. */
export function batchValues<T>(columns: ReadonlyArray<BatchColumn<T>>, items: readonly T[]): string[] {
  return columns.map(([, , value]) => pgColumn(items, value));
}
