import { ensureDatabase, exitOnStartupError, loadConfig } from '@csms/common';
import { runMigrations } from '@csms/domain';

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.database.url);
  const ran = await runMigrations(config.database.url);
  process.stdout.write(ran.length ? `Applied: ${ran.join(', ')}\n` : 'No pending migrations\n');
}

main().catch((err) => exitOnStartupError(err, (line) => process.stderr.write(`migrate: ${line}\n`)));
