import type { Clock } from '../../../../main/core/edge/clock';

/**
 * Time that moves only when the test says so. `advance` fires due timers in time order
 * and, after each, waits for `settle` (the worker's real I/O — sqlite, loopback HTTP —
 * takes real time even when the clock stands still).
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.parse('2026-03-02T08:00:00.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Whether a timer is armed for exactly this time. */
  hasTimerAt(at: number): boolean {
    return [...this.timers.values()].some((timer) => timer.at === at);
  }

  /** The earliest armed timer's due time, or null. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const timer of this.timers.values()) if (next === null || timer.at < next) next = timer.at;
    return next;
  }

  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      let dueId: number | null = null;
      let due: { at: number; fn: () => void } | null = null;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && (due === null || timer.at < due.at)) {
          dueId = id;
          due = timer;
        }
      }
      if (dueId === null || due === null) break;
      this.timers.delete(dueId);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await settle();
    }
    this.time = end;
  }
}
