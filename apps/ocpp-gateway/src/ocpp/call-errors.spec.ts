import { answerWithMessageId, conformCallError } from './call-errors';

describe('conformCallError', () => {
  it('gives 1.6 chargers the 1.6J codes for unreadable frames', () => {
    const frame = [4, '-1', 'RpcFrameworkError', 'Message must be an array', {}];
    conformCallError('ocpp1.6', frame);
    expect(frame[2]).toBe('FormationViolation');
    const type = [4, '-1', 'MessageTypeNotSupported', 'Unrecognised message type', {}];
    conformCallError('ocpp1.6', type);
    expect(type[2]).toBe('NotSupported');
  });

  it('keeps the 2.0.1 framework codes and spells OccurrenceConstraintViolation as OCPP-J 2.0.1 does', () => {
    const frame = [4, '-1', 'RpcFrameworkError', '', {}];
    conformCallError('ocpp2.0.1', frame);
    expect(frame[2]).toBe('RpcFrameworkError');
    const missing = [
      4,
      'a',
      'OccurenceConstraintViolation',
      '',
      { errors: [{ keyword: 'required' }], data: {} },
    ];
    conformCallError('ocpp2.0.1', missing);
    expect(missing[2]).toBe('OccurrenceConstraintViolation');
  });

  it('drops the echoed payload, keeps the schema errors, and maps enum failures to PropertyConstraintViolation', () => {
    const frame = [4, 'b', 'FormatViolation', 'bad', { errors: [{ keyword: 'enum' }], data: { huge: 'x' } }];
    conformCallError('ocpp2.0.1', frame);
    expect(frame).toEqual([4, 'b', 'PropertyConstraintViolation', 'bad', { errors: [{ keyword: 'enum' }] }]);
  });

  it('leaves CALLRESULTs alone', () => {
    const frame = [3, 'c', { data: 1 }];
    conformCallError('ocpp1.6', frame);
    expect(frame).toEqual([3, 'c', { data: 1 }]);
  });
});

describe('answerWithMessageId', () => {
  it('takes the message id from the frame when it has one', () => {
    const answer = [4, '-1', 'MessageTypeNotSupported', '', {}];
    answerWithMessageId(answer, Buffer.from('[5,"m-7",{}]'));
    expect(answer[1]).toBe('m-7');
    const unreadable = [4, '-1', 'RpcFrameworkError', '', {}];
    answerWithMessageId(unreadable, Buffer.from('{"not json'));
    answerWithMessageId(unreadable, Buffer.from('[2,123,"Heartbeat",{}]'));
    expect(unreadable[1]).toBe('-1');
  });
});
