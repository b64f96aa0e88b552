import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, createWriteStream, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** Where this run keeps its temporary directories and the pids its teardown must end. */
export function runDir(): string {
  const dir = process.env.CSMS_FAULTS_RUN_DIR;
  if (!dir) throw new Error('CSMS_FAULTS_RUN_DIR is not set: run the fault suite with `npm run test:faults`');
  return dir;
}

/** Remembers a process so that the global teardown ends it even when a test file crashed. */
function track(kind: 'pid' | 'pgdata', value: string | number): void {
  appendFileSync(join(runDir(), 'tracked'), `${kind} ${value}\n`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const usedPorts = new Set<number>();

/** A free loopback port below 32768 (servers not run by root cannot bind the ephemeral range). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (usedPorts.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) {
      usedPorts.add(port);
      return port;
    }
  }
}

/** Polls `check` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

function postgresBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const file = join(base, v, 'bin', name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${name} not found under ${base}`);
}

/** initdb and postgres refuse to run as root: run them as the postgres user then. */
function asPostgres(file: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

function runPg(name: string, args: string[], timeoutMs = 60_000): string {
  const [file, argv] = asPostgres(postgresBin(name), args);
  return execFileSync(file, argv, {
    timeout: timeoutMs,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A PostgreSQL cluster of its own in a temporary directory, on its own port, trust auth. */
export class PrivatePostgres {
  stops = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(runDir(), 'pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(dir, await freePort());
    runPg('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    track('pgdata', pg.dataDir);
    await pg.start();
    return pg;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c max_connections=200',
    ].join(' ');
    runPg('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** `fast` closes the sessions cleanly; `immediate` is a crash (recovery on the next start). */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    this.stops++;
    runPg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Runs SQL through psql on the private cluster. */
  psql(database: string, sql: string): string {
    return runPg('psql', [
      '-h',
      this.dir,
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-d',
      database,
      '-Atc',
      sql,
    ]);
  }

  async destroy(): Promise<void> {
    try {
      runPg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    } catch {
      /* already stopped */
    }
    execFileSync('rm', ['-rf', this.dir]);
  }
}

/** A Redis of its own, without persistence: a restart loses every key, as a crash would. */
export class PrivateRedis {
  private child?: ChildProcess;
  restarts = 0;

  private constructor(
    readonly port: number,
    private readonly logFile: string,
  ) {}

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(
      await freePort(),
      join(runDir(), `redis-${randomBytes(3).toString('hex')}.log`),
    );
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--logfile', this.logFile, '--maxclients', '2000');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    track('pid', this.child.pid!);
    await waitUntil(`redis on ${this.port}`, async () => this.ping(), 15_000);
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('data', (d: Buffer) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.write('PING\r\n');
    });
  }

  /** kill -9: everything in memory is gone. */
  async kill(): Promise<void> {
    this.restarts++;
    await killAndWait(this.child, 'SIGKILL');
  }

  async destroy(): Promise<void> {
    await killAndWait(this.child, 'SIGKILL');
  }
}

async function killAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
}

export type AppKind = 'api' | 'gateway';

const ENTRY: Record<AppKind, string> = {
  api: 'dist/apps/api/src/main.js',
  gateway: 'dist/apps/ocpp-gateway/src/main.js',
};

/** One built app (`npm run build`) running in its own process, the way it runs in production. */
export class AppProcess {
  private child?: ChildProcess;
  readonly logFile: string;
  starts = 0;

  constructor(
    readonly kind: AppKind,
    readonly name: string,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {
    this.logFile = join(runDir(), `${name}-${randomBytes(3).toString('hex')}.log`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get ocppUrl(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    this.starts++;
    const log = createWriteStream(`${this.logFile}.out`, { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, ENTRY[this.kind])], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env, LOG_FILE: this.logFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.child = child;
    track('pid', child.pid!);
    await waitUntil(
      `${this.name} /health`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}`);
        return (await this.health()) === 200;
      },
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (log: ${this.logFile})`);
    });
  }

  /** The status of GET /health (0 when nothing answers). */
  async health(): Promise<number> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) });
      return res.status;
    } catch {
      return 0;
    }
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** kill -9: no shutdown hook runs. */
  async kill(): Promise<void> {
    await killAndWait(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await killAndWait(this.child, 'SIGTERM');
    await killAndWait(this.child, 'SIGKILL');
  }
}

/** Settings both apps share in the fault suite: private backends, verbose enough logs to debug a failure. */
export function baseEnv(pg: PrivatePostgres, redis: PrivateRedis, database: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    DATABASE_URL: pg.url(database),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `csms-faults-${randomBytes(3).toString('hex')}`,
    RATE_LIMIT_PER_MINUTE: '1000000',
    API_HOST: '127.0.0.1',
    OCPP_HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: '10',
    BANK_DETAILS_KEY: randomBytes(32).toString('hex'),
    SITE_OWNER_DOCUMENTS_DIR: join(runDir(), 'documents'),
  };
}
