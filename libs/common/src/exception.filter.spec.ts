import { isBackendUnavailable, isUniqueViolation, sqlStateOf } from './exception.filter';

describe('isBackendUnavailable', () => {
  const withCode = (message: string, code?: string) => Object.assign(new Error(message), { code });

  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['server starting', withCode('the database system is starting up', '57P03')],
    ['connection lost', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['Redis gone', new Error('Connection is closed.')],
    ['wrapped by TypeORM', Object.assign(new Error('query failed'), { driverError: withCode('x', '08006') })],
    ['as a cause', new Error('outer', { cause: withCode('y', 'ECONNRESET') })],
  ])('recognises %s', (_label, err) => {
    expect(isBackendUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('does not take %s for an outage', (_label, err) => {
    expect(isBackendUnavailable(err)).toBe(false);
  });
});

describe('sqlStateOf', () => {
  it("reads the SQLSTATE from TypeORM's wrapper or from node-postgres's own error", () => {
    expect(sqlStateOf(Object.assign(new Error('query failed'), { driverError: { code: '57014' } }))).toBe(
      '57014',
    );
    expect(sqlStateOf(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('23505');
    expect(sqlStateOf(new Error('no code'))).toBeUndefined();
    expect(sqlStateOf(undefined)).toBeUndefined();
  });
});

describe('isUniqueViolation', () => {
  it('is true for SQLSTATE 23505 only, wrapped or not', () => {
    expect(
      isUniqueViolation(Object.assign(new Error('query failed'), { driverError: { code: '23505' } })),
    ).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('foreign key'), { code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('no code'))).toBe(false);
  });
});
