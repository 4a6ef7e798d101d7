import type { Push, PushPayload } from '../../common/contract';

export type PushSender = <P extends Push>(push: P, payload: PushPayload<P>) => void;

/**
 * Holds pushes for one window (or socket client) until it says it is ready, so an
 * event raised during start-up — a call ringing while the renderer loads — is
 * delivered, not lost. The queue is bounded: the oldest pushes go first, because a
 * window that never becomes ready must not grow memory without end.
 */
export class PushGate {
  private ready = false;
  private held: Array<{ push: Push; payload: unknown }> = [];
  dropped = 0;

  constructor(
    private readonly send: PushSender,
    private readonly maxHeld = 1000,
  ) {}

  push<P extends Push>(push: P, payload: PushPayload<P>): void {
    if (this.ready) {
      this.send(push, payload);
      return;
    }
    this.held.push({ push, payload });
    if (this.held.length > this.maxHeld) {
      this.held.shift();
      this.dropped += 1;
    }
  }

  markReady(): void {
    if (this.ready) return;
    this.ready = true;
    const held = this.held;
    this.held = [];
    for (const { push, payload } of held) this.send(push, payload as PushPayload<typeof push>);
  }

  /** The window reloaded: hold again until it says ready. */
  reset(): void {
    this.ready = false;
  }

  get heldCount(): number {
    return this.held.length;
  }
}

/** Fans a core event out to every open window or client. */
export class PushHub {
  private readonly gates = new Set<PushGate>();

  attach(gate: PushGate): () => void {
    this.gates.add(gate);
    return () => this.gates.delete(gate);
  }

  publish<P extends Push>(push: P, payload: PushPayload<P>): void {
    for (const gate of this.gates) gate.push(push, payload);
  }
}
