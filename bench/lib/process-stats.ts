import { readFileSync, readdirSync } from 'node:fs';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** CPU time (ms) the processes `pids` have used so far; one that has exited counts nothing. */
export function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      ticks += cpuTicks(pid);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / TICKS;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** The process and its children (the workers of an api started with API_WORKERS > 1). */
function withChildren(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** CPU ticks of each process of the tree, by pid. */
function treeTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const p of withChildren(pid)) {
    try {
      ticks.set(p, cpuTicks(p));
    } catch {
      /* gone */
    }
  }
  return ticks;
}

/** Samples the RSS and CPU of a process and its children once a second (Linux /proc). */
export class ProcessSampler {
  private timer?: NodeJS.Timeout;
  private readonly machine = new MachineSampler();
  private startTicks = new Map<number, number>();
  private startAt = 0;
  maxRss = 0;
  lastRss = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.startTicks = treeTicks(this.pid);
    this.startAt = performance.now();
    this.machine.begin();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  sample(): void {
    try {
      this.lastRss = withChildren(this.pid).reduce((sum, p) => {
        try {
          return sum + rssBytes(p);
        } catch {
          return sum;
        }
      }, 0);
      this.maxRss = Math.max(this.maxRss, this.lastRss);
    } catch {
      /* process gone */
    }
  }

  /** Average CPU since start, in percent of one core. */
  stop(): {
    maxRssMiB: number;
    rssMiB: number;
    cpuPercent: number;
    generatorCpuPercent: number;
    postgresCpuPercent: number;
    machineCpuPercent: number;
    generatorLoopDelayP99Ms: number;
    generatorLoopDelayMaxMs: number;
  } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    let cpuPercent = 0;
    try {
      const seconds = (performance.now() - this.startAt) / 1000;
      let ticks = 0;
      for (const [p, now] of treeTicks(this.pid)) ticks += now - (this.startTicks.get(p) ?? 0);
      cpuPercent = (ticks / TICKS / seconds) * 100;
    } catch {
      /* process gone */
    }
    return {
      maxRssMiB: this.maxRss / 2 ** 20,
      rssMiB: this.lastRss / 2 ** 20,
      cpuPercent,
      ...this.machine.end(),
    };
  }
}

/** CPU ticks of every Postgres process by pid (backends come and go during a run). */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      ticks.set(Number(entry), cpuTicks(Number(entry)));
    } catch {
      /* gone */
    }
  }
  return ticks;
}

/** Ticks spent since `before` by the processes alive now (a backend that exited meanwhile is missed). */
function postgresTicksSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of postgresTicks()) total += ticks - (before.get(pid) ?? 0);
  return total;
}

function machineTicks(): { busy: number; all: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const all = cpu.reduce((a, b) => a + b, 0);
  return { busy: all - cpu[3] - cpu[4], all };
}

/**
 * Where the machine's CPU went during a run: this process (the load generator), Postgres, all; and how
 * late the load generator's own event loop ran (a reply it reads late counts as latency of the server).
 */
export class MachineSampler {
  private loopDelay?: IntervalHistogram;
  private start = {
    self: process.cpuUsage(),
    pg: new Map<number, number>(),
    machine: { busy: 0, all: 0 },
    at: 0,
  };

  begin(): void {
    this.start = {
      self: process.cpuUsage(),
      pg: postgresTicks(),
      machine: machineTicks(),
      at: performance.now(),
    };
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
  }

  /** Percent of one core each (the machine: of all cores). */
  end(): {
    generatorCpuPercent: number;
    postgresCpuPercent: number;
    machineCpuPercent: number;
    generatorLoopDelayP99Ms: number;
    generatorLoopDelayMaxMs: number;
  } {
    const seconds = (performance.now() - this.start.at) / 1000;
    this.loopDelay?.disable();
    const self = process.cpuUsage(this.start.self);
    const machine = machineTicks();
    return {
      generatorCpuPercent: ((self.user + self.system) / 1e6 / seconds) * 100,
      postgresCpuPercent: (postgresTicksSince(this.start.pg) / TICKS / seconds) * 100,
      machineCpuPercent:
        ((machine.busy - this.start.machine.busy) / (machine.all - this.start.machine.all)) * 100,
      // The histogram counts from the timer's due time, so the 10 ms resolution itself is not delay.
      generatorLoopDelayP99Ms: (this.loopDelay?.percentile(99) ?? 0) / 1e6,
      generatorLoopDelayMaxMs: (this.loopDelay?.max ?? 0) / 1e6,
    };
  }
}
