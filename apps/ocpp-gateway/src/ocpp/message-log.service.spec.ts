import { readHead, redactFrame } from './message-log.service';

describe('message log redaction', () => {
  it('hides a password pushed with 1.6 ChangeConfiguration AuthorizationKey', () => {
    const frame = [2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'deadbeef' }];
    expect(redactFrame(frame)).toBe(true);
    expect(frame[3]).toEqual({ key: 'AuthorizationKey', value: '[REDACTED]' });
  });

  it('hides a password pushed with 2.0.1 SetVariables BasicAuthPassword and keeps the other variables', () => {
    const frame = [
      2,
      'm2',
      'SetVariables',
      {
        setVariableData: [
          {
            attributeValue: 'secret',
            component: { name: 'SecurityCtrlr' },
            variable: { name: 'BasicAuthPassword' },
          },
          {
            attributeValue: '300',
            component: { name: 'OCPPCommCtrlr' },
            variable: { name: 'HeartbeatInterval' },
          },
        ],
      },
    ];
    expect(redactFrame(frame)).toBe(true);
    const data = (frame[3] as { setVariableData: Array<{ attributeValue: string }> }).setVariableData;
    expect(data.map((d) => d.attributeValue)).toEqual(['[REDACTED]', '300']);
  });

  it('leaves other frames alone', () => {
    expect(redactFrame([2, 'm3', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }])).toBe(
      false,
    );
    expect(redactFrame([3, 'm3', { status: 'Accepted' }])).toBe(false);
  });
});

describe('frame heads', () => {
  it('reads type, id and action of calls, results and errors without parsing the payload', () => {
    expect(readHead('[2,"m1","MeterValues",{"connectorId":1,"meterValue":[]}]')).toEqual({
      messageType: 2,
      messageId: 'm1',
      action: 'MeterValues',
    });
    expect(readHead(' [ 3 , "m1" , {"currentTime":"x"}]')).toEqual({
      messageType: 3,
      messageId: 'm1',
      action: null,
    });
    expect(readHead('[4,"m1","NotImplemented","",{}]')).toEqual({
      messageType: 4,
      messageId: 'm1',
      action: null,
    });
  });

  it('leaves unusual heads to a full parse', () => {
    expect(readHead('[2,"m\\"1","Heartbeat",{}]')).toBeNull();
    expect(readHead('[2,"m1",{}]')).toBeNull();
    expect(readHead('{"not":"a frame"}')).toBeNull();
    expect(readHead('[5,"m1","X",{}]')).toBeNull();
    expect(readHead('')).toBeNull();
  });
});
