import cluster, { Worker } from 'node:cluster';

export interface WorkerPoolOptions {
  /** How many worker processes share the port. */
  count: number;
  /** Writes one line of the supervisor's own log. */
  log: (line: string) => void;
  /** Environment of the worker in `slot` (0 … count-1); a worker that replaces another gets its slot's. */
  env?: (slot: number) => Record<string, string>;
}

/**
 * Runs `count` processes of this program sharing its port (node cluster hands each new connection to one
 * of them), from the primary process, which has already checked the backends and migrated. A worker that
 * dies is replaced in its slot; one that dies before it listens stops everything (a start-up error would
 * only repeat). SIGTERM/SIGINT stop the workers gracefully, then this process.
 */
export function superviseWorkers({ count, log, env }: WorkerPoolOptions): void {
  const listening = new WeakSet<Worker>();
  let stopping = false;
  const alive = () => Object.keys(cluster.workers ?? {}).length;
  const start = (slot: number) => {
    const worker = cluster.fork(env?.(slot) ?? {});
    worker.once('listening', () => {
      listening.add(worker);
      log(`worker ${worker.process.pid} listening`);
    });
    worker.once('exit', (code, signal) => {
      if (stopping) {
        if (alive() === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (!listening.has(worker)) {
        log(`a worker exited before listening (${signal ?? code}); stopping`);
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.kill('SIGTERM');
        process.exitCode = 1;
        if (alive() === 0) process.exit(1);
        return;
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      // Not once stopping: a stop during the pause must not leave a new worker behind.
      setTimeout(() => stopping || start(slot), 1000);
    });
  };
  for (let slot = 0; slot < count; slot++) start(slot);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
