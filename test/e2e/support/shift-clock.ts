import type { Clock } from '../../../main/core/edge/clock';

/**
 * Real time that a test can jump forward: `now()` is the wall clock plus an offset, and
 * timers fire when that time reaches them (checked every few ms of real time, and at
 * once after a jump). The work services run on it (wrap-up, reminders, sync backoff) while
 * SIP keeps the real clock, so "a day later" costs a millisecond and a call still works.
 */
export class ShiftClock implements Clock {
  private offset = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private readonly poll: ReturnType<typeof setInterval>;

  constructor(pollMs = 20) {
    this.poll = setInterval(() => this.fire(), pollMs);
    this.poll.unref();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms` and fires, in time order, every timer that came due. */
  jump(ms: number): void {
    this.offset += ms;
    this.fire();
  }

  stop(): void {
    clearInterval(this.poll);
    this.timers.clear();
  }

  private fire(): void {
    for (;;) {
      const now = this.now();
      let dueId: number | null = null;
      let dueAt = Infinity;
      for (const [id, timer] of this.timers) {
        if (timer.at <= now && timer.at < dueAt) {
          dueId = id;
          dueAt = timer.at;
        }
      }
      if (dueId === null) return;
      const timer = this.timers.get(dueId)!;
      this.timers.delete(dueId);
      timer.fn();
    }
  }
}
