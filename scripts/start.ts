import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkRedis, ensureDatabase, exitOnStartupError, loadConfig } from '@csms/common';
import { runMigrations } from '@csms/domain';

/** `npm start`: checks Postgres and Redis, runs pending migrations once, then runs the api and the gateway. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.database.url);
  await checkRedis(config.redis.url);
  const ran = await runMigrations(config.database.url);
  process.stdout.write(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: `migrations up to date (${ran.length} applied now)`,
    }) + '\n',
  );

  const dist = join(__dirname, '..');
  const env = { ...process.env, DATABASE_MIGRATE_ON_START: 'false' };
  const children: ChildProcess[] = [
    spawn(process.execPath, [join(dist, 'apps/api/src/main.js')], { stdio: 'inherit', env }),
    spawn(process.execPath, [join(dist, 'apps/ocpp-gateway/src/main.js')], { stdio: 'inherit', env }),
  ];
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let remaining = children.length;
  let exitCode = 0;
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping && code !== 0) {
        exitCode = code ?? 1;
        stop('SIGTERM');
      }
      if (--remaining === 0) process.exit(exitCode);
    });
  }
}

main().catch((err) => exitOnStartupError(err, (line) => process.stderr.write(`start: ${line}\n`)));
