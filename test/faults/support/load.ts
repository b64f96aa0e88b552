import { randomBytes } from 'node:crypto';
import { FaultCharger } from './fault-charger';
import { sleep } from './processes';
import { FaultStack, Rest } from './stack';

/** What the REST clients did during a scenario. */
export interface RestTraffic {
  reads: number;
  readFailures: number;
  /** id tags whose creation was answered 201, and those answered otherwise (or not at all). */
  created: string[];
  refused: string[];
  /** How many answers of each HTTP status (0: no answer). */
  statuses: Record<number, number>;
}

/**
 * Continuous traffic while a backend fails: every charger sends MeterValues (retried until
 * acknowledged), Heartbeat and StatusNotification (sent once each, as chargers do), and a REST client
 * reads charge points and creates id tags.
 */
export class Load {
  private running = true;
  private loops: Promise<void>[] = [];
  readonly rest: RestTraffic = { reads: 0, readFailures: 0, created: [], refused: [], statuses: {} };

  constructor(
    private readonly chargers: FaultCharger[],
    private readonly client: Rest,
  ) {}

  start(): this {
    for (const c of this.chargers) {
      this.loops.push(
        (async () => {
          let n = 0;
          while (this.running && !c.retired) {
            await c.meterValue(20, 180_000);
            if (n % 3 === 0) await c.heartbeat();
            if (n % 2 === 0) await c.status(n % 4 === 0 ? 'SuspendedEV' : 'Charging');
            n++;
            await sleep(100);
          }
        })(),
      );
    }
    this.loops.push(
      (async () => {
        let n = 0;
        while (this.running) {
          const value = `LOAD-${randomBytes(4).toString('hex').toUpperCase()}`;
          try {
            const res = await this.client.request('POST', '/api/v1/id-tags', { value });
            this.count(res.status);
            (res.status === 201 ? this.rest.created : this.rest.refused).push(value);
          } catch {
            this.count(0);
            this.rest.refused.push(value);
          }
          try {
            const res = await this.client.request('GET', `/api/v1/charge-points?limit=10&offset=${n % 3}`);
            this.rest.reads++;
            this.count(res.status);
            if (res.status !== 200) this.rest.readFailures++;
          } catch {
            this.count(0);
            this.rest.readFailures++;
          }
          n++;
          await sleep(100);
        }
      })(),
    );
    return this;
  }

  private count(status: number): void {
    this.rest.statuses[status] = (this.rest.statuses[status] ?? 0) + 1;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

export interface Persistence {
  samples: number;
  samplesStored: number;
  samplesLost: number;
  statusAcknowledged: number;
  statusStored: number;
  duplicates: number;
  acknowledgedLost: number;
  idTagsCreated: number;
}

/**
 * Checks Postgres against what the chargers and the REST client were told: every acknowledged message
 * and created id tag is stored exactly once; refused ones at most once (a retry never doubles them).
 */
export async function checkPersistence(
  stack: FaultStack,
  chargers: FaultCharger[],
  rest: RestTraffic,
): Promise<Persistence> {
  const out: Persistence = {
    samples: 0,
    samplesStored: 0,
    samplesLost: 0,
    statusAcknowledged: 0,
    statusStored: 0,
    duplicates: 0,
    acknowledgedLost: 0,
    idTagsCreated: rest.created.length,
  };
  for (const c of chargers) {
    const meter = await stack.query<{ at: Date; value: number; n: number }>(
      `SELECT sampled_at AS at, register_wh::float AS value, count(*)::int AS n FROM meter_value_sets
       WHERE charge_point_id = $1 AND register_context = 'Sample.Periodic'
       GROUP BY sampled_at, register_wh`,
      [c.identity],
    );
    const stored = new Map(meter.map((r) => [new Date(r.at).toISOString(), r]));
    for (const s of c.samples) {
      out.samples++;
      const row = stored.get(s.timestamp);
      if (!row || row.value !== s.wh) {
        out.samplesLost++;
        if (s.acknowledged) out.acknowledgedLost++;
      } else {
        out.samplesStored++;
        if (row.n !== 1) out.duplicates++;
      }
    }
    if (meter.length !== c.samples.length) out.duplicates += Math.max(0, meter.length - c.samples.length);

    const history = await stack.query<{ at: Date; status: string; n: number }>(
      `SELECT charger_timestamp AS at, status, count(*)::int AS n FROM status_history
       WHERE charge_point_id = $1 GROUP BY charger_timestamp, status`,
      [c.identity],
    );
    const statuses = new Map(history.map((r) => [new Date(r.at).toISOString(), r]));
    for (const m of c.sent.filter((s) => s.action === 'StatusNotification')) {
      const row = statuses.get(m.timestamp!);
      if (row && row.n > 1) out.duplicates++;
      if (m.outcome !== 'result') continue;
      out.statusAcknowledged++;
      if (row) out.statusStored++;
      else out.acknowledgedLost++;
    }
  }
  const tags = await stack.query<{ value: string; n: number }>(
    `SELECT value, count(*)::int AS n FROM id_tags WHERE value LIKE 'LOAD-%' GROUP BY value`,
  );
  const tagCounts = new Map(tags.map((t) => [t.value, t.n]));
  for (const value of rest.created) {
    const n = tagCounts.get(value) ?? 0;
    if (n === 0) out.acknowledgedLost++;
    if (n > 1) out.duplicates++;
  }
  for (const value of rest.refused) if ((tagCounts.get(value) ?? 0) > 1) out.duplicates++;
  return out;
}

/** Sessions per charger: exactly one, completed, with the charger's own meter start and stop. */
export async function checkSessions(stack: FaultStack, chargers: FaultCharger[]) {
  const sessions = await stack.query(
    `SELECT charge_point_id, transaction_id::int AS transaction_id, status, meter_start_wh::float AS start,
            meter_stop_wh::float AS stop, energy_wh::float AS energy FROM charging_sessions`,
  );
  const expected = chargers.map((c) => ({
    charge_point_id: c.identity,
    transaction_id: c.transactionId,
    status: 'completed',
    start: c.meterStart,
    stop: c.meter,
    energy: c.meter - c.meterStart,
  }));
  return { sessions, expected };
}

/** `count` chargers, each booted and in a transaction with a first meter sample stored. */
export async function chargersInTransaction(
  rest: Rest,
  endpoint: string,
  prefix: string,
  count: number,
  callTimeoutMs = 8000,
): Promise<FaultCharger[]> {
  const chargers: FaultCharger[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    const password = await rest.chargePoint(id);
    const tag = `${prefix}-TAG-${i}`.toUpperCase();
    await rest.idTag(tag);
    const charger = new FaultCharger(id, password, callTimeoutMs);
    chargers.push(charger);
    await charger.connect(endpoint);
    await charger.boot();
    await charger.status('Preparing');
    await charger.startTransaction(tag, 1000 * (i + 1));
    await charger.status('Charging');
    await charger.meterValue(10);
  }
  return chargers;
}
