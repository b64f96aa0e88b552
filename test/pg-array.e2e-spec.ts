import { Client } from 'pg';
import { pgArrayLiteral, pgElement, pgRowArrayLiteral, pgRowElement } from '@csms/domain';
import { databaseUrl } from './support/databases';

/**
 * The array literals the gateway builds itself are read by Postgres exactly as node-postgres's own
 * arrays: same elements, same NULLs, whatever the characters.
 */
describe('pgArrayLiteral against Postgres', () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: databaseUrl('postgres') });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  const tricky = [
    'plain',
    '',
    'NULL',
    'null',
    'with space',
    ' leading and trailing ',
    'comma,inside',
    '{braces}',
    'quote " inside',
    'back\\slash',
    '\\"both\\"',
    'ends with backslash\\',
    '[2,"id","MeterValues",{"connectorId":1,"note":"say \\"hi\\""}]',
    'tab\tand\nnewline',
    'ünïcødé ⚡ 充电',
  ];

  it('reads strings, empty strings, NULLs and special characters as node-postgres sends them', async () => {
    const values = [...tricky, null, undefined, 'after nulls'];
    const ours = await db.query<{ a: Array<string | null> }>('SELECT $1::text[] AS a', [
      pgArrayLiteral(values),
    ]);
    const theirs = await db.query<{ a: Array<string | null> }>('SELECT $1::text[] AS a', [
      values.map((v) => v ?? null),
    ]);
    expect(ours.rows[0].a).toEqual(theirs.rows[0].a);
    expect(ours.rows[0].a).toEqual([...tricky, null, null, 'after nulls']);
  });

  it('reads arrays of each row, sent as elements of one array and cast row by row, as they were', async () => {
    const rows = [[...tricky, null, 'after null'], ['Energy.Active.Import.Register', 'L1-N', null], [], ['']];
    const outer = pgArrayLiteral(rows.map((r) => pgRowArrayLiteral(r)));
    const { rows: read } = await db.query<{ a: Array<string | null> }>(
      'SELECT r::text[] AS a FROM unnest($1::text[]) WITH ORDINALITY AS u(r, n) ORDER BY n',
      [outer],
    );
    expect(read.map((r) => r.a)).toEqual(rows);
    // Built element by element, as the gateway encodes each message once and joins messages per batch.
    const pieces = rows.map((r) => pgElement(`{${r.map(pgRowElement).join(',')}}`));
    expect(`{${pieces.join(',')}}`).toBe(outer);
    // Bare elements where Postgres reads them bare: no quote, so the outer literal needs no escaping.
    expect(pgRowArrayLiteral(['Voltage', 'L1-N', null, 230.5])).toBe('{Voltage,L1-N,NULL,230.5}');
    expect(pgRowArrayLiteral(['NULL', 'a b', ''])).toBe('{"NULL","a b",""}');
    const { rows: numbers } = await db.query<{ a: string[] }>('SELECT ($1::text)::numeric[] AS a', [
      pgRowArrayLiteral([1234.5, 0.000001, -3]),
    ]);
    expect(numbers[0].a.map(Number)).toEqual([1234.5, 0.000001, -3]);
  });

  it('takes the plain fast path for strings without quotes or backslashes', async () => {
    const values = ['a', 'b c', 'NULL', '', '{x}'];
    expect(pgArrayLiteral(values)).toBe('{"a","b c","NULL","","{x}"}');
    const { rows } = await db.query<{ a: string[] }>('SELECT $1::varchar[] AS a', [pgArrayLiteral(values)]);
    expect(rows[0].a).toEqual(values);
  });

  it('reads numbers, booleans, timestamps and uuids in typed arrays', async () => {
    const at = new Date('2026-11-22T10:11:12.345Z');
    const { rows } = await db.query(
      `SELECT $1::int[] AS ints, $2::numeric[] AS nums, $3::boolean[] AS bools, $4::timestamptz[] AS ats,
              $5::uuid[] AS ids, cardinality($6::int[]) AS empty`,
      [
        pgArrayLiteral([1, -2, null, 2147483647]),
        pgArrayLiteral(['1234.5', '0.000001', null]),
        pgArrayLiteral([true, false, null]),
        pgArrayLiteral([at, at.toISOString(), null]),
        pgArrayLiteral(['0cc175b9c0f1b6a831c399e269772661', '0cc175b9-c0f1-b6a8-31c3-99e269772661']),
        pgArrayLiteral([]),
      ],
    );
    expect(rows[0].ints).toEqual([1, -2, null, 2147483647]);
    expect(rows[0].nums).toEqual([1234.5, 0.000001, null]);
    expect(rows[0].bools).toEqual([true, false, null]);
    expect(rows[0].ats.map((d: Date | null) => d?.toISOString() ?? null)).toEqual([
      at.toISOString(),
      at.toISOString(),
      null,
    ]);
    expect(rows[0].ids).toEqual([
      '0cc175b9-c0f1-b6a8-31c3-99e269772661',
      '0cc175b9-c0f1-b6a8-31c3-99e269772661',
    ]);
    expect(rows[0].empty).toBe(0);
  });
});
