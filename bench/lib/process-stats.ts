import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Samples a process's RSS and CPU once a second (Linux /proc). */
export class ProcessSampler {
  private timer?: NodeJS.Timeout;
  private startTicks = 0;
  private startAt = 0;
  maxRss = 0;
  lastRss = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.startTicks = cpuTicks(this.pid);
    this.startAt = performance.now();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  sample(): void {
    try {
      this.lastRss = rssBytes(this.pid);
      this.maxRss = Math.max(this.maxRss, this.lastRss);
    } catch {
      /* process gone */
    }
  }

  /** Average CPU since start, in percent of one core. */
  stop(): { maxRssMiB: number; rssMiB: number; cpuPercent: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    let cpuPercent = 0;
    try {
      const seconds = (performance.now() - this.startAt) / 1000;
      cpuPercent = ((cpuTicks(this.pid) - this.startTicks) / TICKS / seconds) * 100;
    } catch {
      /* process gone */
    }
    return { maxRssMiB: this.maxRss / 2 ** 20, rssMiB: this.lastRss / 2 ** 20, cpuPercent };
  }
}
