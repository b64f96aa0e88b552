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
}

/**
 * Groups writes of many chargers into one statement. `add` resolves only once the batch holding the
 * item has committed, so a CALLRESULT sent after it still follows the commit that it acknowledges.
 * There is no timer: items queue up while earlier batches are being written, so batches grow with the
 * load and a lone write waits for nobody. A batch that fails is retried item by item, so one bad item
 * fails only its own message.
 */
export class WriteBatcher<T, R = void> {
  private queue: Array<Waiting<T, R>> = [];
  private running = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];

  constructor(
    /** Writes (or reads) the items; for a result type R, answers one result per item, in order. */
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly options: WriteBatcherOptions,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
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
    // Let the messages already read from the sockets join this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.running < this.options.maxConcurrent) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
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
