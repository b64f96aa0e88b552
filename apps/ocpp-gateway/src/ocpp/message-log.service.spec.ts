import { redactFrame } from './message-log.service';

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
