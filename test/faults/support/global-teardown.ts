import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function commandLineOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Ends whatever a test file left running (a crash, a timeout): the pids it recorded and the private
 * Postgres clusters, then removes the run's directory (FAULTS_KEEP_FILES=1 keeps the logs).
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.CSMS_FAULTS_RUN_DIR;
  if (!dir || !existsSync(dir)) return;
  const tracked = existsSync(join(dir, 'tracked')) ? readFileSync(join(dir, 'tracked'), 'utf8') : '';
  for (const line of tracked.split('\n').filter(Boolean)) {
    const [kind, value] = line.split(' ');
    if (kind === 'pid') {
      // Only a process of ours: the pid may have been reused since it was recorded.
      if (!commandLineOf(value).match(/redis-server|dist\/apps\//)) continue;
      try {
        process.kill(Number(value), 'SIGKILL');
      } catch {
        /* already gone */
      }
    } else if (kind === 'pgdata') {
      const pidFile = join(value, 'postmaster.pid');
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (!commandLineOf(String(pid)).includes('postgres')) continue;
      try {
        // SIGQUIT is postgres' immediate shutdown; its children follow the postmaster.
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* already gone */
      }
    }
  }
  if (process.env.FAULTS_KEEP_FILES === '1') {
    process.stdout.write(`fault suite: files kept in ${dir}\n`);
    return;
  }
  // Give a postmaster that just got SIGQUIT a moment to release its files.
  await new Promise((resolve) => setTimeout(resolve, 500));
  execFileSync('rm', ['-rf', dir]);
}
