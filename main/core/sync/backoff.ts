/**
 * Delay before the next attempt of a row that has failed `failures` times (1, 2, …):
 * exponential from `baseMs`, capped at `maxMs`, with "equal jitter" — half the step is
 * fixed, half random. The fixed half keeps the delay growing (so a dead server is not
 * hammered), the random half spreads a floor of agents that lost the same server at
 * the same moment, so they do not all come back in the same second.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const step = Math.min(maxMs, baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * jitter);
}

/**
 * A Retry-After header (RFC 9110 §10.2.3: seconds or an HTTP date) as milliseconds from
 * `nowMs`, or null when absent or unreadable. Never negative.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
