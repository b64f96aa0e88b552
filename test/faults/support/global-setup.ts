import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds the apps once (the fault suite runs dist/, as production does) and makes the run's
 * directory, which holds every temporary cluster, log and the list of pids the teardown ends.
 */
export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  if (process.env.FAULTS_SKIP_BUILD !== '1') {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', timeout: 600_000 });
  }
  const dir = mkdtempSync(join(tmpdir(), 'csms-faults-'));
  // The postgres user runs the private clusters inside it.
  chmodSync(dir, 0o755);
  process.env.CSMS_FAULTS_RUN_DIR = dir;
  process.stdout.write(`\nfault suite: temporary files in ${dir}\n`);
}
