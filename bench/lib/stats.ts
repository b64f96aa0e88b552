/** Latency samples per label (milliseconds), percentiles by sorting: exact, and cheap at benchmark sizes. */
export class Latencies {
  private readonly samples = new Map<string, number[]>();
  /** Every sample by the second (of `performance.now()`) its CALL was sent in: shows stalls in time. */
  private readonly bySecond = new Map<number, number[]>();
  /** CALLs sent before this time (`performance.now()`) are not counted (see {@link from}). */
  private fromMs = -Infinity;

  record(label: string, ms: number, sentAtMs = performance.now() - ms): void {
    if (sentAtMs < this.fromMs) return;
    let list = this.samples.get(label);
    if (!list) this.samples.set(label, (list = []));
    list.push(ms);
    const second = Math.floor(sentAtMs / 1000);
    let inSecond = this.bySecond.get(second);
    if (!inSecond) this.bySecond.set(second, (inSecond = []));
    inSecond.push(ms);
  }

  clear(): void {
    this.samples.clear();
    this.bySecond.clear();
  }

  /** Drops what was recorded and counts from now on only the CALLs sent at `startMs` or later. */
  from(startMs: number): void {
    this.clear();
    this.fromMs = startMs;
  }

  /**
   * Per second of the run, in order: when it began (wall clock, ISO 8601, to line the run up with what
   * other tools record), how many calls were sent and their p99 and max latency.
   */
  timeline(): Array<{ at: string; count: number; p99: number; max: number }> {
    return [...this.bySecond.keys()]
      .sort((a, b) => a - b)
      .map((second) => {
        const list = Float64Array.from(this.bySecond.get(second)!).sort();
        return {
          at: new Date(performance.timeOrigin + second * 1000).toISOString(),
          count: list.length,
          p99: quantile(list, 0.99),
          max: list[list.length - 1],
        };
      });
  }

  labels(): string[] {
    return [...this.samples.keys()].sort();
  }

  count(label?: string): number {
    if (label) return this.samples.get(label)?.length ?? 0;
    let n = 0;
    for (const list of this.samples.values()) n += list.length;
    return n;
  }

  summary(label: string): LatencySummary {
    const list = Float64Array.from(this.samples.get(label) ?? []).sort();
    return {
      count: list.length,
      p50: quantile(list, 0.5),
      p95: quantile(list, 0.95),
      p99: quantile(list, 0.99),
      max: list.length ? list[list.length - 1] : 0,
    };
  }

  all(): Record<string, LatencySummary> {
    return Object.fromEntries(this.labels().map((l) => [l, this.summary(l)]));
  }
}

/** The q-quantile of sorted samples (the nearest rank), 0 when there are none. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function formatTable(rows: Array<Record<string, string | number>>): string {
  if (!rows.length) return '';
  const headers = Object.keys(rows[0]);
  const cell = (v: string | number) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v;
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => cell(r[h] ?? '').length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((h) => cell(r[h] ?? '')))),
  ].join('\n');
}
