interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface WriteBatcherOptions {
  /** Most items written by one statement. */
  maxBatch: number;
  /** Batches written at the same time (each takes a pool connection). */
  maxConcurrent: number;
  /**
   * Least time between the starts of two batches, in ms (default 0). A write that comes after a quiet
   * spell goes at once; under load the writes gather for up to this long, so that each statement holds
   * more of them (a statement's fixed cost is paid once for all).
   */
  minIntervalMs?: number;
}

/**
 * Groups writes of many chargers into one statement. `add` resolves only once the batch holding the
 * item has committed, so a CALLRESULT sent after it still follows the commit that it acknowledges.
 * Items queue up while earlier batches are being written, so batches grow with the load and a lone
 * write waits for nobody; with `minIntervalMs`, a batch that follows another closely also waits for the
 * rest of that interval, or until it is full. A batch that fails is retried item by item, so one bad item
 * fails only its own message.
 */
export class WriteBatcher<T, R = void> {
  private queue: Array<Waiting<T, R>> = [];
  private running = 0;
  private scheduled = false;
  /** The pending wait for the interval's end, if any. */
  private timer?: NodeJS.Timeout;
  /** When the last batch started (performance.now()). */
  private lastStartMs = -Infinity;
  private idle: Array<() => void> = [];

  constructor(
    /** Writes (or reads) the items; for a result type R, answers one result per item, in order. */
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly options: WriteBatcherOptions,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.timer && this.queue.length >= this.options.maxBatch) {
        // A full batch need not wait for the interval's end.
        clearTimeout(this.timer);
        this.timer = undefined;
        this.scheduled = false;
      }
      this.schedule();
    });
  }

  /** Resolves when everything added so far is written. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent) return;
    this.scheduled = true;
    const go = () => {
      this.timer = undefined;
      this.scheduled = false;
      this.drain();
    };
    const wait = this.lastStartMs + (this.options.minIntervalMs ?? 0) - performance.now();
    if (wait >= 1 && this.queue.length < this.options.maxBatch) this.timer = setTimeout(go, wait);
    // Let the messages already read from the sockets join this batch.
    else setImmediate(go);
  }

  private drain(): void {
    while (this.queue.length > 0 && this.running < this.options.maxConcurrent) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      this.lastStartMs = performance.now();
      void this.run(batch).finally(() => {
        this.running--;
        if (this.queue.length > 0) this.schedule();
        else if (this.running === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve((results ? results[i] : undefined) as R));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      for (const w of batch) {
        await this.write([w.item]).then(
          (results) => w.resolve((results ? results[0] : undefined) as R),
          w.reject,
        );
      }
    }
  }
}
