/** Nearest-rank percentiles and a one-line summary, for the benchmarks' latency figures. */

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (p in 0…1) of ascending values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { n: sorted.length, mean, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

export function formatSummary(label: string, summary: Summary, width = 34): string {
  const f = (value: number) => value.toFixed(3);
  return `${label.padEnd(width)} n=${summary.n} mean=${f(summary.mean)} p50=${f(summary.p50)} p90=${f(summary.p90)} p99=${f(summary.p99)} max=${f(summary.max)} (ms)`;
}

/** Monotonic milliseconds (CLOCK_MONOTONIC): comparable between processes on one machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
