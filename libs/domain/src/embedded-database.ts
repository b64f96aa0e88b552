import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StartupError } from '@csms/common';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  /** Loopback port for the wire protocol; 0 picks a free one. */
  port: number;
}

export interface EmbeddedDatabase {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for the normal pg driver. */
  url: string;
  /** Absolute path of the data directory. */
  dataDir: string;
  /** True when this start created the data directory's database. */
  created: boolean;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in-process (PGlite), served over the Postgres wire protocol on loopback so the apps keep
 * their pg driver, TypeORM and migrations. All connections share PGlite's one session (queries are
 * serialized and a transaction holds the others off until it ends), so session settings are made
 * here once: BullMQ's tables live in the schema `bullmq`, found through the search path after ours.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new StartupError(`DATA_DIR: cannot create ${dataDir} (${(err as Error).message})`);
  }
  const releaseLock = lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir });
    await db.exec('SET search_path TO public, bullmq');
  } catch (err) {
    await db?.close().catch(() => undefined);
    releaseLock();
    throw new StartupError(`DATA_DIR: cannot open the embedded database in ${dataDir} (${String(err)})`);
  }
  const server = new PGLiteSocketServer({ db, port: options.port, host: '127.0.0.1', maxConnections: 200 });
  keepProtocolBatchesTogether(server, db);
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    releaseLock();
    throw new StartupError(
      `EMBEDDED_DATABASE_PORT: cannot listen on 127.0.0.1:${options.port} (${(err as Error).message})`,
    );
  }
  const port = Number(server.getServerConn().split(':').pop());
  const opened = db;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    created,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await opened.close().catch(() => undefined);
      releaseLock();
    },
  };
}

/** One process per data directory: PGlite has no locking of its own. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'csms.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) {
      throw new StartupError(
        `DATA_DIR: ${dataDir} is in use by process ${pid}; stop it or choose another DATA_DIR`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Frontend messages of the extended query protocol that a Sync (`S`) ends. */
const BATCH_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

/**
 * pglite-socket (0.2.17) runs one protocol message at a time from any connection and only keeps a
 * connection's turn while a transaction is open. The extended protocol (Parse, Bind, Execute, Sync:
 * every parameterized query of pg) shares the one session's unnamed statement, so another
 * connection's Parse between them breaks the query ("bind message supplies 3 parameters, but
 * prepared statement requires 1"). This keeps the turn with a connection from its first message of
 * a batch to its Sync, as well as through a transaction; and it keeps the queue running after a
 * failed message.
 */
function keepProtocolBatchesTogether(server: PGLiteSocketServer, db: PGlite): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let inBatch = false;
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const holder =
          (inBatch || db.isInTransaction()) && this.lastHandlerId !== null ? this.lastHandlerId : null;
        const index = holder === null ? 0 : this.queue.findIndex((q) => q.handlerId === holder);
        if (index === -1) break; // the holder's next message is on its way
        const [item] = this.queue.splice(index, 1);
        const type = String.fromCharCode(item.message[0] ?? 0);
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          inBatch = false;
          this.lastHandlerId = null;
          item.reject(err);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        inBatch = BATCH_MESSAGES.has(type);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async function clearTransactionIfNeeded(
    this: QueryQueue,
    handlerId: number,
  ) {
    if (this.lastHandlerId === handlerId && inBatch) {
      inBatch = false;
      if (!db.isInTransaction()) this.lastHandlerId = null;
    }
    await clear(handlerId);
    await this.processQueue();
  };
}
