import type { CallSession } from './call-session';

/** The calls in progress, keyed by the customer leg's Call-ID. */
export class CallTracker {
  private readonly calls = new Map<string, CallSession>();

  add(session: CallSession): void {
    this.calls.set(session.id, session);
  }

  get(id: string): CallSession | undefined {
    return this.calls.get(id);
  }

  remove(id: string): void {
    this.calls.delete(id);
  }

  /** Oldest first (Map keeps insertion order). */
  list(): CallSession[] {
    return [...this.calls.values()];
  }

  get size(): number {
    return this.calls.size;
  }
}
