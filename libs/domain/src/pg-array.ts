/** An element of a Postgres array parameter; a Date is sent as its ISO 8601 text. */
export type PgArrayElement = string | number | boolean | Date | null | undefined;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** One element of an array literal (see {@link pgArrayLiteral}): quoted, escaped where needed, or NULL. */
export function pgElement(value: PgArrayElement): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string')
    return `"${NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, '\\$&') : value}"`;
  if (value instanceof Date) return `"${value.toISOString()}"`;
  return `"${String(value)}"`;
}

/**
 * An array parameter as the text of a Postgres array literal (`{"a","b",NULL}`), for a statement that
 * casts it (`$1::varchar[]`, `$2::int[]`, `$3::timestamptz[]`). Postgres reads it exactly as the array node-postgres
 * would send, but it is built in one pass: every element quoted, a backslash or double quote escaped only
 * where one occurs, NULL for null. node-postgres escapes every element with two regular-expression
 * replacements and concatenates the literal piece by piece, which made half of the gateway's garbage on
 * the MeterValues path (arrays of tens of thousands of samples).
 */
export function pgArrayLiteral(values: readonly PgArrayElement[]): string {
  if (values.length === 0) return '{}';
  let plain = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string' || NEEDS_ESCAPE.test(v)) {
      plain = false;
      break;
    }
  }
  if (plain) return `{"${values.join('","')}"}`;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = pgElement(values[i]);
  return `{${parts.join(',')}}`;
}

/** One column of a batch (`f` of every row) as an array literal: see {@link pgArrayLiteral}. */
export function pgColumn<T>(rows: readonly T[], f: (row: T) => PgArrayElement): string {
  return pgArrayLiteral(rows.map(f));
}

/** What Postgres cannot read as a bare array element: braces, quotes, commas, backslashes, white space. */
const NEEDS_QUOTES = /[{}",\\\s]/;

/**
 * An array as the text of its Postgres literal, made to be one element of an array parameter and cast
 * row by row (`unnest($1::text[]) AS v(values)` … `v.values::numeric[]`): a batch of rows that each hold
 * an array of their own length, which a two-dimensional array cannot carry. Elements are written bare
 * where Postgres reads them bare (not empty, not "NULL", none of the characters above), so that the
 * literal holds no quote and the outer literal needs no escaping; others are quoted and escaped.
 */
export function pgRowArrayLiteral(values: readonly PgArrayElement[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = pgRowElement(values[i]);
  return `{${parts.join(',')}}`;
}

/** One element of a {@link pgRowArrayLiteral}: bare where Postgres reads it bare, else quoted and escaped. */
export function pgRowElement(value: PgArrayElement): string {
  if (value === null || value === undefined) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text === '' || NEEDS_QUOTES.test(text) || (text.length === 4 && text.toUpperCase() === 'NULL')
    ? `"${text.replace(ESCAPED, '\\$&')}"`
    : text;
}
