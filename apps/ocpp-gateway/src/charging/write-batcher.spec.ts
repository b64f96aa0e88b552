import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A batcher that records the batches it writes and answers each item doubled. */
  function recording(options: ConstructorParameters<typeof WriteBatcher>[1]) {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 2);
    }, options);
    return { batches, batcher };
  }

  it('writes the items added together as one batch and answers each its own result', async () => {
    const { batches, batcher } = recording({ maxBatch: 10, maxConcurrent: 1 });
    const results = Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    await jest.advanceTimersByTimeAsync(0);
    await expect(results).resolves.toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('writes a lone item at once, however long the interval', async () => {
    const { batches, batcher } = recording({ maxBatch: 10, maxConcurrent: 1, minIntervalMs: 50 });
    const result = batcher.add(7);
    await jest.advanceTimersByTimeAsync(0);
    await expect(result).resolves.toBe(14);
    expect(batches).toEqual([[7]]);
  });

  it('gathers the items that follow a batch closely until the interval has passed', async () => {
    const { batches, batcher } = recording({ maxBatch: 10, maxConcurrent: 1, minIntervalMs: 50 });
    const first = batcher.add(1);
    await jest.advanceTimersByTimeAsync(0);
    await expect(first).resolves.toBe(2);
    await jest.advanceTimersByTimeAsync(10);
    const later = [batcher.add(2)];
    await jest.advanceTimersByTimeAsync(20);
    later.push(batcher.add(3));
    await jest.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([[1]]);

    await jest.advanceTimersByTimeAsync(10);
    await expect(Promise.all(later)).resolves.toEqual([4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);

    // After a quiet spell longer than the interval, the next item goes at once again.
    await jest.advanceTimersByTimeAsync(100);
    const alone = batcher.add(4);
    await jest.advanceTimersByTimeAsync(0);
    await expect(alone).resolves.toBe(8);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('writes a full batch without waiting for the interval', async () => {
    const { batches, batcher } = recording({ maxBatch: 2, maxConcurrent: 1, minIntervalMs: 1000 });
    void batcher.add(1);
    await jest.advanceTimersByTimeAsync(0);
    const full = Promise.all([batcher.add(2), batcher.add(3)]);
    await jest.advanceTimersByTimeAsync(0);
    await expect(full).resolves.toEqual([4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('retries a failed batch item by item, so a bad item fails only itself', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number>(
      async (items) => {
        batches.push(items);
        if (items.includes(13)) throw new Error('bad item');
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const outcomes = Promise.allSettled([batcher.add(1), batcher.add(13), batcher.add(2)]);
    await jest.advanceTimersByTimeAsync(0);
    expect((await outcomes).map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('resolves drained once everything added has been written', async () => {
    const { batches, batcher } = recording({ maxBatch: 10, maxConcurrent: 1, minIntervalMs: 30 });
    void batcher.add(1);
    await jest.advanceTimersByTimeAsync(0);
    void batcher.add(2);
    let drained = false;
    void batcher.drained().then(() => (drained = true));
    await jest.advanceTimersByTimeAsync(10);
    expect(drained).toBe(false);
    await jest.advanceTimersByTimeAsync(30);
    expect(drained).toBe(true);
    expect(batches).toEqual([[1], [2]]);
  });
});
