import type { AppConfig } from '@csms/common';
import { CommandOutcomeFields, LocalCommandOutcomes } from './command-outcomes';

describe('command outcome notices', () => {
  let channel = 0;
  const outcomes = () =>
    new LocalCommandOutcomes({ redis: { queuePrefix: `spec-${++channel}` } } as unknown as AppConfig);

  const fields = (
    payload: Record<string, unknown> = { requestedMessage: 'Heartbeat' },
  ): CommandOutcomeFields => ({
    state: 'answered',
    ocppAction: 'TriggerMessage',
    ocppVersion: '1.6',
    payload,
    response: { status: 'Accepted' },
    errorCode: null,
    errorReason: null,
    nodeId: 'gw-1',
    dispatches: 1,
    sentAt: new Date('2026-11-24T06:00:00.123Z'),
    answeredAt: new Date('2026-11-24T06:00:00.456Z'),
  });

  it('hands the waiting request the columns the outcome wrote, dates as dates', async () => {
    const notices = outcomes();
    const waited = notices.wait('cmd_1', 5_000);
    await notices.publish('cmd_1', fields());
    expect(await waited).toEqual(fields());
    notices.onApplicationShutdown();
  });

  it('announces a large outcome by id alone, so that the waiting request reads the row', async () => {
    const notices = outcomes();
    const waited = notices.wait('cmd_2', 5_000);
    const started = Date.now();
    await notices.publish('cmd_2', fields({ blob: 'x'.repeat(10_000) }));
    expect(await waited).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(4_000); // woken by the notice, not by the wait running out
    notices.onApplicationShutdown();
  });

  it('wakes only the command announced, and answers undefined when nothing came in time', async () => {
    const notices = outcomes();
    const other = notices.wait('cmd_3', 50);
    await notices.publish('cmd_4', fields());
    expect(await other).toBeUndefined();
    notices.onApplicationShutdown();
  });

  it('takes a notice by id alone, as nodes of the previous version send them', async () => {
    const notices = outcomes();
    const waited = notices.wait('cmd_5', 5_000);
    await notices.publish('cmd_5');
    expect(await waited).toBeUndefined();
    notices.onApplicationShutdown();
  });
});
