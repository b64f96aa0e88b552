import { Command } from '@csms/domain';
import { toCommandView } from './command.view';

function aCommand(overrides: Partial<Command>): Command {
  return Object.assign(new Command(), {
    id: 'cmd_01HXYZ222EEE000000000000AB',
    organizationId: 'org_01HXYZ222EEE000000000000AB',
    chargePointId: 'cp_001',
    action: 'ocpp',
    ocppAction: 'Reset',
    ocppVersion: '1.6',
    request: null,
    payload: {},
    state: 'answered',
    response: { status: 'Accepted' },
    errorCode: null,
    errorReason: null,
    nodeId: 'gw-1',
    dispatches: 1,
    expiresAt: null,
    idempotencyKey: null,
    remoteStartId: null,
    createdBy: null,
    createdAt: new Date('2030-01-01T00:00:00Z'),
    sentAt: new Date('2030-01-01T00:00:01Z'),
    answeredAt: new Date('2030-01-01T00:00:02Z'),
    ...overrides,
  });
}

describe('command view', () => {
  it('redacts a 1.6 AuthorizationKey in the payload and the request', () => {
    const view = toCommandView(
      aCommand({
        action: 'change-configuration',
        ocppAction: 'ChangeConfiguration',
        request: { key: 'AuthorizationKey', value: 'secret-secret-secret' },
        payload: { key: 'AuthorizationKey', value: 'secret-secret-secret' },
      }),
    );
    expect(view.payload).toEqual({ key: 'AuthorizationKey', value: '[REDACTED]' });
    expect(view.request).toEqual({ key: 'AuthorizationKey', value: '[REDACTED]' });
  });

  it('redacts a 2.0.1 BasicAuthPassword and keeps the other variables', () => {
    const view = toCommandView(
      aCommand({
        action: 'set-variables',
        ocppAction: 'SetVariables',
        ocppVersion: '2.0.1',
        request: {
          variables: [
            { component: 'SecurityCtrlr', variable: 'BasicAuthPassword', value: 'secret-secret-secret' },
            { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' },
          ],
        },
        payload: {
          setVariableData: [
            {
              component: { name: 'SecurityCtrlr' },
              variable: { name: 'BasicAuthPassword' },
              attributeValue: 'secret-secret-secret',
            },
            {
              component: { name: 'OCPPCommCtrlr' },
              variable: { name: 'HeartbeatInterval' },
              attributeValue: '60',
            },
          ],
        },
      }),
    );
    expect(JSON.stringify(view)).not.toContain('secret-secret-secret');
    expect((view.payload as any).setVariableData[1].attributeValue).toBe('60');
    expect((view.request as any).variables[1].value).toBe('60');
  });

  it('shows timings as ISO strings and an error only when there is one', () => {
    const view = toCommandView(aCommand({ state: 'failed', errorCode: 'NotImplemented', errorReason: 'no' }));
    expect(view).toMatchObject({
      created_at: '2030-01-01T00:00:00.000Z',
      sent_at: '2030-01-01T00:00:01.000Z',
      answered_at: '2030-01-01T00:00:02.000Z',
      error: { code: 'NotImplemented', reason: 'no' },
    });
    expect(toCommandView(aCommand({})).error).toBeNull();
  });
});
