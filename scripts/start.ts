import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  GATEWAY_NODE_FLAGS,
  checkRedis,
  ensureDatabase,
  exitOnStartupError,
  loadConfig,
} from '@csms/common';
import { runMigrations } from '@csms/domain';
import { createDemo, describeDemo, signUpHint } from './demo';
import { EmbeddedStack, startEmbeddedStack } from './embedded';

const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm start`: with DATABASE_URL and REDIS_URL set, checks both, migrates once and runs the api and the
 * gateway as two processes; with neither set, runs both in this process on the embedded backends.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.mode === 'embedded') return startEmbedded(config, process.argv.includes('--demo'));
  return startExternal(config);
}

async function startEmbedded(config: AppConfig, demo: boolean): Promise<void> {
  out(`Starting in embedded mode (DATABASE_URL and REDIS_URL are not set): one process, one node.`);
  const stack = await startEmbeddedStack(config);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  banner(stack);
  const empty = !(await hasOrganizations(stack));
  const apiUrl = `http://127.0.0.1:${stack.apiPort}`;
  if (demo) {
    if (empty) {
      const created = await createDemo(apiUrl);
      for (const line of describeDemo(created, stack.apiPort, stack.gatewayPort)) out(line);
    } else {
      out(
        '--demo: the data directory already holds organizations; demo data is only created on an empty one.',
      );
    }
  } else if (empty) {
    for (const line of signUpHint(stack.apiPort)) out(line);
  }
}

function banner(stack: EmbeddedStack): void {
  const { config, database } = stack;
  const host = (h: string) => (h === '0.0.0.0' || h === '::' ? 'localhost' : h);
  out('');
  out(
    'CSMS is running (embedded mode: for trying out and small sites; production sets DATABASE_URL and REDIS_URL)',
  );
  out(
    `  database   PGlite (embedded PostgreSQL), data in ${database.dataDir}${database.created ? ' (new)' : ''}`,
  );
  out(`             wire protocol on ${database.url} (loopback only)`);
  out('  queues     BullMQ on PostgreSQL (schema bullmq, same database)');
  out('  registry   charger connections in PostgreSQL (single node); gateway control in-process');
  out(`  API        http://${host(config.api.host)}:${stack.apiPort}/api/v1`);
  out(`  Swagger UI http://${host(config.api.host)}:${stack.apiPort}/docs`);
  out(`  OCPP       ws://${host(config.gateway.host)}:${stack.gatewayPort}/ocpp/{chargePointId}`);
  out('');
}

async function hasOrganizations(stack: EmbeddedStack): Promise<boolean> {
  const rows = await stack.api.get(DataSource).query('SELECT 1 FROM organizations LIMIT 1');
  return rows.length > 0;
}

async function startExternal(config: AppConfig): Promise<void> {
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
    spawn(process.execPath, [...GATEWAY_NODE_FLAGS, join(dist, 'apps/ocpp-gateway/src/main.js')], {
      stdio: 'inherit',
      env,
    }),
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
