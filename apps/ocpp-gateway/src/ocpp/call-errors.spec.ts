import { callErrorFrame } from './call-errors';

describe('callErrorFrame', () => {
  it('gives 1.6 chargers the 1.6J codes for unreadable frames and schema failures', () => {
    expect(callErrorFrame('ocpp1.6', '-1', 'RpcFrameworkError', 'Message must be an array', {})).toEqual([
      4,
      '-1',
      'FormationViolation',
      'Message must be an array',
      {},
    ]);
    expect(callErrorFrame('ocpp1.6', 'a', 'MessageTypeNotSupported', '', {})[2]).toBe('NotSupported');
    expect(callErrorFrame('ocpp1.6', 'a', 'FormatViolation', '', {})[2]).toBe('FormationViolation');
    expect(callErrorFrame('ocpp1.6', 'a', 'OccurenceConstraintViolation', '', {})[2]).toBe(
      'OccurrenceConstraintViolation',
    );
  });

  it('keeps the 2.0.1 framework codes and spells OccurrenceConstraintViolation as OCPP-J 2.0.1 does', () => {
    expect(callErrorFrame('ocpp2.0.1', '-1', 'RpcFrameworkError', '', {})[2]).toBe('RpcFrameworkError');
    expect(callErrorFrame('ocpp2.0.1', '-1', 'FormatViolation', '', {})[2]).toBe('FormatViolation');
    const missing = callErrorFrame('ocpp2.0.1', 'a', 'OccurenceConstraintViolation', '', {
      errors: [{ keyword: 'required' }],
      data: {},
    });
    expect(missing).toEqual([
      4,
      'a',
      'OccurrenceConstraintViolation',
      '',
      { errors: [{ keyword: 'required' }] },
    ]);
  });

  it('drops the echoed payload, keeps the schema errors, and maps enum failures to PropertyConstraintViolation', () => {
    const frame = callErrorFrame('ocpp2.0.1', 'b', 'FormatViolation', 'bad', {
      errors: [{ keyword: 'enum' }],
      data: { huge: 'x' },
    });
    expect(frame).toEqual([4, 'b', 'PropertyConstraintViolation', 'bad', { errors: [{ keyword: 'enum' }] }]);
  });

  it('passes other codes through', () => {
    expect(callErrorFrame('ocpp1.6', 'c', 'SecurityError', 'no', { why: 1 })).toEqual([
      4,
      'c',
      'SecurityError',
      'no',
      { why: 1 },
    ]);
  });
});
