import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Env } from '@csms/common';
import type { TestStack } from './harness';
import { eventually } from './ocpp-charger';

const ROOT = join(__dirname, '..', '..');

/** A free port below 32768 (servers of non-root users cannot bind the ephemeral range here). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface ChildApp {
  port: number;
  pid: number;
  /** What the process wrote to stdout and stderr. */
  output: () => string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop: (graceMs?: number) => Promise<void>;
}

/**
 * Runs the gateway's own entry point (apps/ocpp-gateway/src/main.ts) as a separate process on the
 * stack's database and queue prefix, as production starts it, and waits until it answers /health.
 */
export function spawnGateway(stack: TestStack, env: Env = {}, timeoutMs = 120_000): Promise<ChildApp> {
  return spawnApp('gateway', stack, env, timeoutMs);
}

/** The api's own entry point (apps/api/src/main.ts) as a separate process, like {@link spawnGateway}. */
export function spawnApi(stack: TestStack, env: Env = {}, timeoutMs = 120_000): Promise<ChildApp> {
  return spawnApp('api', stack, env, timeoutMs);
}

const ENTRY = {
  gateway: { file: 'apps/ocpp-gateway/src/main.ts', host: 'OCPP_HOST', port: 'OCPP_PORT' },
  api: { file: 'apps/api/src/main.ts', host: 'API_HOST', port: 'API_PORT' },
};

async function spawnApp(
  app: keyof typeof ENTRY,
  stack: TestStack,
  env: Env,
  timeoutMs: number,
): Promise<ChildApp> {
  const port = await freePort();
  const entry = ENTRY[app];
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry.file],
    {
      cwd: ROOT,
      env: { ...process.env, ...stack.env, [entry.host]: '127.0.0.1', [entry.port]: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${app} did not answer /health within ${timeoutMs} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, pid: child.pid!, output: () => output, stop };
}

/** The fields of `/proc/<pid>/stat` after the command name (state first, then the parent pid), or null. */
function procStat(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The pids whose parent is `pid` (Linux /proc): the workers of an app started with *_WORKERS > 1. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(procStat(entry)?.[1]) === pid)
    .map(Number);
}

/** Whether `pid` runs: a zombie (exited, not yet reaped by whoever inherited it) counts as gone. */
export function isAlive(pid: number): boolean {
  const state = procStat(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** Polls a synchronous condition until it holds. */
export function until(check: () => boolean, timeoutMs: number): Promise<void> {
  return eventually(async () => {
    if (!check()) throw new Error('condition not met in time');
  }, timeoutMs);
}
