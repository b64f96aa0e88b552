/**
 * Load benchmark of the OCPP gateway and the REST API. Not a test: CI does not run it.
 *   npm run bench -- <connect|steady|storm|commands|rest> [--chargers N] [--rate R] [--duration S]
 *     [--warm-up S] [--api-workers N] [--gateway-workers N] [--connections N] [--no-yardstick | --yardstick-only]
 * Each OCPP scenario also runs against a bare ocpp-rpc server (the yardstick) in the same run and prints
 * our figures as a ratio of it. Results: a table on stdout and JSON in bench/results/.
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { hashChargerPassword } from '@csms/auth';
import { numberFlag } from './lib/args';
import { BenchCharger, bootNotification, meterValuesJson } from './lib/charger';
import { forEachLimited, sleep } from './lib/pool';
import { ProcessSampler } from './lib/process-stats';
import { Stack, startStack, startYardstick } from './lib/stack';
import { Latencies, formatTable } from './lib/stats';

type Scenario = 'connect' | 'steady' | 'storm' | 'commands' | 'rest';

interface Args {
  scenario: Scenario;
  chargers: number;
  rate: number;
  duration: number;
  concurrency: number;
  yardstick: boolean;
  /** Only the yardstick (what the machine and the load generator reach with a server that does nothing). */
  yardstickOnly: boolean;
  /** api processes (API_WORKERS, node cluster on one port). */
  apiWorkers: number;
  /** gateway processes (GATEWAY_WORKERS, node cluster on one port, a gateway node each). */
  gatewayWorkers: number;
  /** rest: autocannon's connections (requests in flight at once). */
  connections: number;
  /** steady: seconds of the load run before the measured time, without a pause between them. */
  warmUp: number;
}

function parseArgs(argv: string[]): Args {
  const scenario = argv[0] as Scenario;
  if (!['connect', 'steady', 'storm', 'commands', 'rest'].includes(scenario)) {
    throw new Error(
      'usage: npm run bench -- <connect|steady|storm|commands|rest> [--chargers N] [--rate R] [--duration S] [--api-workers N] [--gateway-workers N] [--connections N] [--warm-up S] [--no-yardstick | --yardstick-only]',
    );
  }
  const ocpp = ['connect', 'steady', 'storm'].includes(scenario);
  if (argv.includes('--yardstick-only') && (!ocpp || argv.includes('--no-yardstick'))) {
    throw new Error('--yardstick-only: only for connect, steady and storm, and not with --no-yardstick');
  }
  const flag = (name: string, fallback: number) => numberFlag(argv, name, fallback);
  return {
    scenario,
    chargers: flag('chargers', 1000),
    rate: flag('rate', scenario === 'commands' ? 50 : scenario === 'rest' ? 0 : 0.3),
    duration: flag('duration', 30),
    concurrency: flag('concurrency', 200),
    yardstick: !argv.includes('--no-yardstick') && ocpp,
    yardstickOnly: argv.includes('--yardstick-only'),
    apiWorkers: flag('api-workers', 1),
    gatewayWorkers: flag('gateway-workers', 1),
    connections: flag('connections', 50),
    warmUp: flag('warm-up', 10),
  };
}

interface Target {
  name: string;
  ocppUrl: string;
  pid: number;
}

const PASSWORD = 'bench-password-0123456789';
const identity = (i: number) => `bench_${String(i).padStart(6, '0')}`;

/** An organization through the API, and N charge points with one shared password (bulk SQL: provisioning speed is not measured). */
async function provision(
  stack: Stack,
  chargers: number,
): Promise<{ token: string; orgId: string; apiKey: string }> {
  const signup = await fetch(`${stack.apiUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${Date.now()}@example.com`,
      password: 'benchmark password 123',
      first_name: 'Bench',
      last_name: 'Mark',
      organization_name: 'Benchmark Charging',
      country: 'NL',
    }),
  }).then((r) => r.json() as Promise<{ token: string; organization: { id: string } }>);
  const key = await fetch(`${stack.apiUrl}/api/v1/org/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signup.token}` },
    body: JSON.stringify({
      name: 'bench',
      scopes: ['read:charge_points', 'write:charge_points', 'read:sessions'],
    }),
  }).then((r) => r.json() as Promise<{ key: string }>);
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const hash = hashChargerPassword(PASSWORD);
  for (let start = 0; start < chargers; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, chargers - start) }, (_, k) => identity(start + k));
    await db.query(
      `INSERT INTO charge_points (id, organization_id, name, ocpp_version, registration_status, security_profile, password_hash)
       SELECT id, $2, id, '1.6', 'accepted', 1, $3 FROM unnest($1::text[]) AS id`,
      [ids, signup.organization.id, hash],
    );
  }
  // A bulk insert leaves the planner's statistics empty until autovacuum comes by (within a minute in
  // production): refresh them now, as a live database would have them, so the measured plans are real.
  await db.query('VACUUM ANALYZE charge_points');
  await db.end();
  return { token: signup.token, orgId: signup.organization.id, apiKey: key.key };
}

interface OcppRun {
  chargers: BenchCharger[];
  latencies: Latencies;
  errors: string[];
  handshake: Latencies;
  connectSeconds: number;
  /** When the last handshake was accepted, from the start of the ramp. */
  handshakesSeconds: number;
}

async function connectAll(
  target: Target,
  args: Args,
  latencies = new Latencies(),
  errors: string[] = [],
): Promise<OcppRun> {
  const handshake = new Latencies();
  const chargers = Array.from(
    { length: args.chargers },
    (_, i) =>
      new BenchCharger({
        url: target.ocppUrl,
        identity: identity(i),
        password: PASSWORD,
        // Thousands of sockets closed and reopened within a minute would otherwise reuse ports still in
        // TIME_WAIT (tcp_tw_reuse on loopback) and see resets no real charger fleet causes.
        localAddress: `127.0.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`,
        latencies,
        onError: (e) => errors.length < 1000 && errors.push(e),
      }),
  );
  const started = performance.now();
  let lastHandshake = started;
  await forEachLimited(chargers.length, args.concurrency, async (i) => {
    try {
      handshake.record('handshake', await chargers[i].connect());
      lastHandshake = Math.max(lastHandshake, performance.now());
      await chargers[i].call('BootNotification', bootNotification(i));
      await chargers[i].call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Available',
      });
    } catch (err) {
      errors.push(`connect ${identity(i)}: ${(err as Error).message}`);
    }
  });
  return {
    chargers,
    latencies,
    errors,
    handshake,
    connectSeconds: (performance.now() - started) / 1000,
    handshakesSeconds: (lastHandshake - started) / 1000,
  };
}

async function heartbeatAll(run: OcppRun, args: Args): Promise<void> {
  await forEachLimited(run.chargers.length, args.concurrency, async (i) => {
    if (run.chargers[i].connected) await run.chargers[i].call('Heartbeat', {}).catch(() => undefined);
  });
}

async function closeAll(run: OcppRun): Promise<void> {
  await forEachLimited(run.chargers.length, 500, (i) => run.chargers[i].close());
}

async function scenarioConnect(target: Target, args: Args) {
  const sampler = new ProcessSampler(target.pid);
  sampler.start();
  const run = await connectAll(target, args);
  await heartbeatAll(run, args);
  await sleep(Math.min(args.duration, 10) * 1000);
  const proc = sampler.stop();
  const connected = run.chargers.filter((c) => c.connected).length;
  await closeAll(run);
  return {
    connected,
    handshakes_per_s: connected / run.connectSeconds,
    connect_seconds: run.connectSeconds,
    latencies: { ...run.handshake.all(), ...run.latencies.all() },
    errors: run.errors,
    process: proc,
  };
}

/** Meter values the gateway persisted: one billing-register sample per periodic MeterValues message, and all samples. */
async function countPersisted(databaseUrl: string): Promise<{ messages: number; samples: number }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE m.register_context = 'Sample.Periodic')::int AS messages,
              coalesce(sum(cardinality(array_positions(l.contexts, 'Sample.Periodic'))), 0)::int AS samples
       FROM meter_value_sets m JOIN meter_value_layouts l ON l.digest = m.layout`,
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

/**
 * How many checkpoints the server has run (timed and requested, by WAL volume among others): after one,
 * the first change to each page writes the whole page to the WAL, a burst the measured time may hold.
 */
async function checkpointCount(databaseUrl: string): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT to_regclass('pg_catalog.pg_stat_checkpointer') IS NOT NULL AS own`,
    );
    // Postgres 17 moved the counts from pg_stat_bgwriter to pg_stat_checkpointer.
    const { rows: counts } = await db.query(
      rows[0].own
        ? `SELECT (num_timed + num_requested)::int AS n FROM pg_stat_checkpointer`
        : `SELECT (checkpoints_timed + checkpoints_req)::int AS n FROM pg_stat_bgwriter`,
    );
    return counts[0].n;
  } finally {
    await db.end();
  }
}

/** The tables a steady warm-up fills. */
const WARM_UP_TABLES = [
  'charging_sessions',
  'meter_value_sets',
  'status_history',
  'connectors',
  'evses',
  'ocpp_messages',
];

async function analyze(databaseUrl: string, tables: string[]): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`ANALYZE ${tables.join(', ')}`);
  } finally {
    await db.end();
  }
}

async function scenarioSteady(target: Target, args: Args, databaseUrl?: string) {
  const run = await connectAll(target, args);
  const txIds: Array<number | undefined> = new Array(args.chargers);
  const energy = new Float64Array(args.chargers);
  const start = async (i: number) => {
    const charger = run.chargers[i];
    const res = await charger.call('StartTransaction', {
      connectorId: 1,
      idTag: `TAG${i}`,
      meterStart: Math.round(energy[i]),
      timestamp: new Date().toISOString(),
    });
    txIds[i] = res.transactionId;
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
  };
  const stop = async (i: number) => {
    const charger = run.chargers[i];
    await charger.call('StopTransaction', {
      transactionId: txIds[i],
      meterStop: Math.round(energy[i]),
      timestamp: new Date().toISOString(),
      idTag: `TAG${i}`,
    });
    txIds[i] = undefined;
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  };
  // Warm-up (not measured): every charger is in a transaction before the steady state begins.
  await forEachLimited(run.chargers.length, args.concurrency, async (i) => {
    if (run.chargers[i].connected) await start(i).catch((err) => run.errors.push(`start: ${err.message}`));
  });
  // The warm-up filled the session and status tables: refresh their planner statistics, as autovacuum
  // does on a live database (it analyzes a table once a tenth of it has changed).
  if (databaseUrl) await analyze(databaseUrl, WARM_UP_TABLES);
  // The load then runs without a pause: its first `warmUp` seconds are not measured (the servers' code
  // for MeterValues is compiled by then, their heaps sized for the load), the next `duration` are.
  const started = performance.now();
  const measuredFrom = started + args.warmUp * 1000;
  const deadline = measuredFrom + args.duration * 1000;
  run.latencies.from(measuredFrom);
  const sampler = new ProcessSampler(target.pid);
  let checkpointsBefore: Promise<number> | undefined;
  const sampling = setTimeout(() => {
    sampler.start();
    if (databaseUrl) checkpointsBefore = checkpointCount(databaseUrl);
  }, args.warmUp * 1000);
  /** All MeterValues acknowledged (each must be stored), and those of the measured time (the rate). */
  const counts = { meterValues: 0, measuredMeterValues: 0, starts: 0, stops: 0 };
  await new Promise<void>((done) => {
    const intervalMs = 1000 / args.rate;
    const n = run.chargers.length;
    /** When each charger's next MeterValues is due (performance.now()): a random phase, then every intervalMs. */
    const nextAt = new Float64Array(n);
    /** MeterValues sent per charger: transactions end after 20, at staggered points so stops and starts spread evenly. */
    const sent = new Int32Array(n);
    /** A charger's CALL (or its stop and start) is in flight: one at a time, as OCPP requires. */
    const busy = new Uint8Array(n);
    /** Slots that came while the charger was busy, sent as soon as it is free (as late as the server made it). */
    const owed = new Int32Array(n);
    let inFlight = 0;
    let finished = false;
    // The chargers in the order of their phase: one timer walks them as a ring, each taking its slot and
    // moving a whole interval on, so the ring from the cursor stays in the order of their next slots.
    // (A sleeping loop per charger, with its timer and promises, made the load generator allocate and
    // collect more, and its pauses count in the latencies it measures.)
    const ring: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!run.chargers[i].connected) continue;
      nextAt[i] = started + Math.random() * intervalMs;
      sent[i] = Math.floor(Math.random() * 20);
      ring.push(i);
    }
    ring.sort((a, b) => nextAt[a] - nextAt[b]);
    let cursor = 0;
    const settle = () => {
      if (finished && inFlight === 0) done();
    };
    const send = (i: number) => {
      const charger = run.chargers[i];
      if (!charger.connected) return;
      busy[i] = 1;
      inFlight++;
      energy[i] += 90;
      const sentAt = performance.now();
      charger
        .callJson('MeterValues', meterValuesJson(1, txIds[i], energy[i]))
        .then(async () => {
          counts.meterValues++;
          if (sentAt >= measuredFrom) counts.measuredMeterValues++;
          if (++sent[i] % 20 === 0) {
            await stop(i);
            counts.stops++;
            await start(i);
            counts.starts++;
          }
        })
        .catch((err: Error) => run.errors.push(`${identity(i)}: ${err.message}`))
        .finally(() => {
          busy[i] = 0;
          inFlight--;
          if (owed[i] > 0) {
            owed[i]--;
            send(i);
          }
          settle();
        });
    };
    const tick = () => {
      const now = performance.now();
      for (;;) {
        if (ring.length === 0 || nextAt[ring[cursor]] >= deadline) {
          // Every charger's next slot falls after the deadline: none idles into the measured time.
          finished = true;
          settle();
          return;
        }
        const i = ring[cursor];
        if (nextAt[i] > now) break;
        nextAt[i] += intervalMs;
        cursor = cursor + 1 === ring.length ? 0 : cursor + 1;
        if (busy[i]) owed[i]++;
        else send(i);
      }
      setTimeout(tick, Math.max(0, nextAt[ring[cursor]] - performance.now()));
    };
    tick();
  });
  clearTimeout(sampling);
  const seconds = (performance.now() - measuredFrom) / 1000;
  const proc = sampler.stop();
  const checkpoints =
    databaseUrl && checkpointsBefore
      ? (await checkpointCount(databaseUrl)) - (await checkpointsBefore)
      : undefined;
  const connected = run.chargers.filter((c) => c.connected).length;
  await closeAll(run);
  // Every acknowledged MeterValues must be in the database exactly once (the CALLRESULT follows the commit).
  const persisted = databaseUrl ? await countPersisted(databaseUrl) : undefined;
  if (persisted && persisted.messages !== counts.meterValues) {
    run.errors.push(`persisted ${persisted.messages} MeterValues, acknowledged ${counts.meterValues}`);
  }
  if (persisted && persisted.samples !== persisted.messages * 10) {
    run.errors.push(`persisted ${persisted.samples} samples for ${persisted.messages} MeterValues`);
  }
  // The rates are those of the measured time: what was stored, less what the warm-up acknowledged.
  const persistedMeasured = persisted
    ? persisted.messages - (counts.meterValues - counts.measuredMeterValues)
    : 0;
  return {
    connected,
    meter_values_acknowledged: counts.meterValues,
    meter_values_per_s: counts.measuredMeterValues / seconds,
    ...(persisted
      ? {
          meter_values_persisted: persisted.messages,
          persisted_per_s: persistedMeasured / seconds,
          samples_persisted_per_s: (persistedMeasured * (persisted.samples / persisted.messages)) / seconds,
        }
      : {}),
    messages_per_s: run.latencies.count() / seconds,
    transactions_started: counts.starts,
    transactions_stopped: counts.stops,
    ...(checkpoints !== undefined ? { postgres_checkpoints: checkpoints } : {}),
    latencies: run.latencies.all(),
    timeline: run.latencies.timeline(),
    errors: run.errors,
    process: proc,
  };
}

async function scenarioStorm(target: Target, args: Args) {
  const run = await connectAll(target, args);
  await Promise.all(run.chargers.map((c) => c.close()));
  const sampler = new ProcessSampler(target.pid);
  sampler.start();
  const again = await connectAll(target, { ...args, concurrency: args.chargers });
  const proc = sampler.stop();
  const connected = again.chargers.filter((c) => c.connected).length;
  await closeAll(again);
  return {
    reconnected: connected,
    all_handshakes_accepted_seconds: again.handshakesSeconds,
    all_booted_seconds: again.connectSeconds,
    handshakes_per_s: connected / again.connectSeconds,
    latencies: { ...again.handshake.all(), ...again.latencies.all() },
    errors: again.errors,
    process: proc,
  };
}

async function scenarioCommands(stack: Stack, target: Target, args: Args, apiKey: string) {
  const run = await connectAll(target, args);
  const e2e = new Latencies();
  const errors: string[] = [];
  // Open loop: commands are sent at --rate per second whatever the answers' latency, to random chargers.
  const started = performance.now();
  const total = Math.max(1, Math.round(args.rate * args.duration));
  const inFlight: Array<Promise<void>> = [];
  for (let n = 0; n < total; n++) {
    await sleep(Math.max(0, started + (n * 1000) / args.rate - performance.now()));
    const i = Math.floor(Math.random() * run.chargers.length);
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        try {
          const res = await fetch(
            `${stack.apiUrl}/api/v1/charge-points/${identity(i)}/actions/trigger-message`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
              body: JSON.stringify({ requested_message: 'Heartbeat' }),
            },
          );
          const body = await res.text();
          if (res.status === 200) e2e.record('command', performance.now() - t0);
          else if (errors.length < 100) errors.push(`HTTP ${res.status} ${body.slice(0, 200)}`);
        } catch (err) {
          if (errors.length < 100) errors.push((err as Error).message);
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await closeAll(run);
  // Where a command's time goes, from the timestamps of its row (created → sent by the gateway → answered).
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const { rows } = await db.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at) * 1000) AS queue_ms,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - sent_at) * 1000) AS charger_ms
     FROM commands WHERE answered_at IS NOT NULL`,
  );
  await db.end();
  return {
    commands_per_s: e2e.count() / seconds,
    p50_created_to_sent_ms: Number(rows[0].queue_ms),
    p50_sent_to_answered_ms: Number(rows[0].charger_ms),
    latencies: e2e.all(),
    errors,
  };
}

async function scenarioRest(stack: Stack, args: Args, apiKey: string) {
  const sampler = new ProcessSampler(stack.api.pid!);
  sampler.start();
  const result = await autocannon({
    url: `${stack.apiUrl}/api/v1/charge-points?limit=20`,
    headers: { 'x-api-key': apiKey },
    connections: args.connections,
    duration: args.duration,
    // --rate R: R requests/s in all (latency at a given load); without it, as fast as answered.
    ...(args.rate > 0 ? { overallRate: args.rate } : {}),
  });
  return {
    requests_per_s: result.requests.average,
    latencies: {
      'GET /api/v1/charge-points': {
        count: result.requests.total,
        p50: result.latency.p50,
        p95: result.latency.p97_5, // autocannon reports p97.5, not p95: the column shows that
        p99: result.latency.p99,
        max: result.latency.max,
      },
    },
    errors: result.non2xx + result.errors ? [`non-2xx ${result.non2xx}, errors ${result.errors}`] : [],
    api_processes: args.apiWorkers,
    api_process: sampler.stop(),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report: Record<string, unknown> = { scenario: args.scenario, args, at: new Date().toISOString() };

  if (args.yardstick) {
    const yard = await startYardstick();
    try {
      const target = { name: 'yardstick', ocppUrl: yard.ocppUrl, pid: yard.process.pid! };
      report.yardstick =
        args.scenario === 'connect'
          ? await scenarioConnect(target, args)
          : args.scenario === 'steady'
            ? await scenarioSteady(target, args)
            : await scenarioStorm(target, args);
    } finally {
      await yard.stop();
    }
  }

  if (!args.yardstickOnly) await runCsms(args, report);
  print(report);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${args.scenario}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nJSON: ${file}`);
}

async function runCsms(args: Args, report: Record<string, unknown>): Promise<void> {
  const stack = await startStack({
    API_WORKERS: String(args.apiWorkers),
    GATEWAY_WORKERS: String(args.gatewayWorkers),
  });
  try {
    const { apiKey } = await provision(stack, args.chargers);
    const target = { name: 'csms', ocppUrl: stack.ocppUrl, pid: stack.gateway.pid! };
    switch (args.scenario) {
      case 'connect':
        report.csms = await scenarioConnect(target, args);
        break;
      case 'steady':
        report.csms = await scenarioSteady(target, args, stack.databaseUrl);
        break;
      case 'storm':
        report.csms = await scenarioStorm(target, args);
        break;
      case 'commands':
        report.csms = await scenarioCommands(stack, target, args, apiKey);
        break;
      case 'rest':
        report.csms = await scenarioRest(stack, args, apiKey);
        break;
    }
  } finally {
    await stack.stop();
  }
}

function print(report: Record<string, any>): void {
  // --yardstick-only: the yardstick's figures in the place of ours, with nothing to compare them to.
  const alone = !report.csms;
  const ours = report.csms ?? report.yardstick ?? {};
  const yard = alone ? undefined : report.yardstick;
  const rows = Object.entries<any>(ours.latencies ?? {}).map(([label, s]) => {
    const y = yard?.latencies?.[label];
    return {
      message: label,
      count: s.count,
      'p50 ms': s.p50,
      'p95 ms': s.p95,
      'p99 ms': s.p99,
      'max ms': s.max,
      ...(y ? { 'p99 × yardstick': y.p99 ? s.p99 / y.p99 : 0 } : {}),
    };
  });
  console.log(`\n== ${report.scenario} ==`);
  console.log(formatTable(rows));
  const scalars = Object.entries<any>(ours).filter(([, v]) => typeof v === 'number');
  console.log(
    formatTable(
      scalars.map(([k, v]) => ({
        figure: k,
        csms: v,
        ...(yard ? { yardstick: yard[k] ?? '', ratio: yard[k] ? v / yard[k] : '' } : {}),
      })),
    ),
  );
  if (ours.api_process)
    console.log(
      `api (${ours.api_processes > 1 ? `${ours.api_processes} workers` : 'one process'}): max RSS ${ours.api_process.maxRssMiB.toFixed(0)} MiB, CPU ${ours.api_process.cpuPercent.toFixed(0)}% of a core; ` +
        `load generator ${ours.api_process.generatorCpuPercent.toFixed(0)}%, Postgres ${ours.api_process.postgresCpuPercent.toFixed(0)}%, ` +
        `machine ${ours.api_process.machineCpuPercent.toFixed(0)}% of ${cpus().length} cores`,
    );
  if (ours.process)
    console.log(
      `${alone ? 'yardstick' : 'gateway'}: max RSS ${ours.process.maxRssMiB.toFixed(0)} MiB, CPU ${ours.process.cpuPercent.toFixed(0)}% of a core; ` +
        `load generator ${ours.process.generatorCpuPercent.toFixed(0)}%, Postgres ${ours.process.postgresCpuPercent.toFixed(0)}%, ` +
        `machine ${ours.process.machineCpuPercent.toFixed(0)}% of ${cpus().length} cores`,
    );
  // The load generator's own lateness, and the p99 of each second of the measured time (whether the
  // tail is spread or comes in stalls), for our run and the yardstick's.
  for (const [name, r] of [
    [alone ? 'yardstick' : 'csms', ours],
    ['yardstick', yard],
  ] as const) {
    const p = r?.process;
    if (p?.generatorLoopDelayP99Ms !== undefined)
      console.log(
        `load generator's event loop during the ${name} run: delay p99 ${p.generatorLoopDelayP99Ms.toFixed(1)} ms, max ${p.generatorLoopDelayMaxMs.toFixed(1)} ms`,
      );
    const seconds: Array<{ at: string; p99: number }> | undefined = r?.timeline;
    if (seconds?.length)
      console.log(
        `${name}, p99 of each second from ${seconds[0].at.slice(11, 19)} UTC (ms): ${seconds.map((s) => s.p99.toFixed(0)).join(' ')}`,
      );
  }
  console.log(
    `errors: ${ours.errors?.length ?? 0}${ours.errors?.length ? ` (first: ${ours.errors[0]})` : ''}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
