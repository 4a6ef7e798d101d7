/**
 * Time as the SIP edge sees it. RFC 3261 timers (A…K) go through this interface so
 * tests can drive them with jest fake timers or a hand-stepped clock, and so the edge
 * can cancel every timer it ever started when it stops.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Reads the globals at call time, so jest's fake timers (installed later) apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Timer {
  cancel(): void;
}

/**
 * Every timer started through one group can be cancelled at once: `SipEdge.stop()`
 * must leave nothing behind that keeps the process (or jest) alive.
 */
export class TimerGroup {
  private readonly live = new Set<unknown>();

  constructor(readonly clock: Clock) {}

  start(ms: number, fn: () => void): Timer {
    const handle = this.clock.setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return {
      cancel: () => {
        if (this.live.delete(handle)) this.clock.clearTimeout(handle);
      },
    };
  }

  get size(): number {
    return this.live.size;
  }

  cancelAll(): void {
    for (const handle of this.live) this.clock.clearTimeout(handle);
    this.live.clear();
  }
}

/** RFC 3261 §17.1.1.1 base values; tests may shrink them. */
export interface SipTimerValues {
  t1: number;
  t2: number;
  t4: number;
}

export const RFC3261_TIMERS: SipTimerValues = { t1: 500, t2: 4000, t4: 5000 };
