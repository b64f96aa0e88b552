import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Env } from '@csms/common';
import type { TestStack } from './harness';

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
  /** What the process wrote to stdout and stderr. */
  output: () => string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop: (graceMs?: number) => Promise<void>;
}

/**
 * Runs the gateway's own entry point (apps/ocpp-gateway/src/main.ts) as a separate process on the
 * stack's database and queue prefix, as production starts it, and waits until it answers /health.
 */
export async function spawnGateway(stack: TestStack, env: Env = {}, timeoutMs = 120_000): Promise<ChildApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/ocpp-gateway/src/main.ts',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...stack.env, OCPP_HOST: '127.0.0.1', OCPP_PORT: String(port), ...env },
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
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gateway did not answer /health within ${timeoutMs} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, output: () => output, stop };
}
