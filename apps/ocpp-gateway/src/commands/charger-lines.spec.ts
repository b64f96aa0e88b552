import { ChargerLines } from './charger-lines';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ChargerLines', () => {
  it('runs the tasks of one charger one at a time, in order', async () => {
    const lines = new ChargerLines();
    const order: string[] = [];
    const gate = deferred();
    const first = lines.run('cp1', async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
    });
    const second = lines.run('cp1', async () => {
      order.push('second');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });

  it('runs different chargers concurrently', async () => {
    const lines = new ChargerLines();
    const gate = deferred();
    const started: string[] = [];
    const a = lines.run('cp1', async () => {
      started.push('cp1');
      await gate.promise;
    });
    const b = lines.run('cp2', async () => {
      started.push('cp2');
    });
    await b;
    expect(started).toEqual(['cp1', 'cp2']);
    gate.resolve();
    await a;
  });

  it('lets the next task run after a failing one, and forgets idle chargers', async () => {
    const lines = new ChargerLines();
    const failed = lines.run('cp1', async () => {
      throw new Error('socket closed');
    });
    const next = lines.run('cp1', async () => 'ran');
    await expect(failed).rejects.toThrow('socket closed');
    await expect(next).resolves.toBe('ran');
    await new Promise((r) => setImmediate(r));
    expect(lines.busy).toBe(0);
  });
});
