import type { DataSource } from 'typeorm';
import { AppConfig, Clock } from '@csms/common';
import { CallsInFlight } from './calls-in-flight';
import { MESSAGE_LOG_FLUSH_BATCH, MessageLogService, readHead, redactFrame } from './message-log.service';

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

describe('message log writes', () => {
  /** A log whose inserts are recorded (rows per insert) and held until released. */
  function heldLog() {
    const inserts: number[] = [];
    const releases: Array<() => void> = [];
    const master = {
      query: ({ values }: { values: unknown[] }) => {
        inserts.push((values[0] as string).split(',').length);
        return new Promise((resolve) => releases.push(() => resolve({ rows: [] })));
      },
    };
    const config = { log: { level: 'info' }, gateway: { nodeId: 'node-1' } } as AppConfig;
    const log = new MessageLogService({ driver: { master } } as unknown as DataSource, new Clock(), config);
    const record = (n: number) => {
      for (let i = 0; i < n; i++) log.record('CP-1', 'in', `[2,"m${i}","Heartbeat",{}]`, new CallsInFlight());
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { inserts, releases, log, record, settle };
  }

  it('writes a full buffer at once and gathers what comes during a write into one more', async () => {
    const { inserts, releases, log, record, settle } = heldLog();
    record(MESSAGE_LOG_FLUSH_BATCH);
    await settle();
    expect(inserts).toEqual([MESSAGE_LOG_FLUSH_BATCH]);

    // While the first insert is held, frames keep coming, well past another full buffer.
    record(MESSAGE_LOG_FLUSH_BATCH + 100);
    await settle();
    releases[0]();
    await settle();
    expect(inserts).toEqual([MESSAGE_LOG_FLUSH_BATCH, MESSAGE_LOG_FLUSH_BATCH + 100]);

    // A few more during the second insert wait for the next flush rather than going one by one.
    record(3);
    releases[1]();
    await settle();
    record(2);
    await settle();
    expect(inserts).toHaveLength(2);
    const flushed = log.flush();
    await settle();
    expect(inserts).toEqual([MESSAGE_LOG_FLUSH_BATCH, MESSAGE_LOG_FLUSH_BATCH + 100, 5]);
    releases[2]();
    await flushed;
  });
});
