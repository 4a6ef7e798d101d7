/**
 * One call as the agent sees it (a CallSession) and the SIP dialogs behind it (Legs).
 * A session is the state machine and the record; the calls service drives the SIP.
 */
import type {
  CallDirection,
  CallEndCause,
  CallOutcome,
  CallParty,
  CallState,
  CallSummary,
  ContactCard,
} from '../../common/domain';
import { LegOrigin } from './sdp';
import type { DialogLike, SipRequestLike, SipResponseLike } from './srf-port';

export type CallSnapshot = CallSummary;

/**
 * One SIP dialog Zuoxi holds (the customer's, the desk phone's, a transfer target's).
 * It remembers the SDP it last sent so that every later SDP keeps the leg's o= line.
 * What happens when the far end hangs up depends on the leg's current role, so the
 * owner sets `onGone` (and may change it, as in an attended transfer).
 */
export class Leg {
  private readonly origin = new LegOrigin();
  lastSent: string;
  onGone: (leg: Leg) => void = () => {};
  private ended = false;

  constructor(
    readonly name: 'customer' | 'desk' | 'target',
    readonly dialog: DialogLike,
    firstSent: string,
  ) {
    this.lastSent = this.origin.stamp(firstSent);
    dialog.on('destroy', () => {
      if (this.ended) return;
      this.ended = true;
      this.onGone(this);
    });
  }

  get callId(): string {
    return this.dialog.sip.callId;
  }

  get isUp(): boolean {
    return !this.ended && this.dialog.connected;
  }

  /** What we send next on this leg (an offer, or the answer to its re-INVITE), stamped with its origin. */
  stamp(sdp: string): string {
    this.lastSent = this.origin.stamp(sdp);
    return this.lastSent;
  }

  /** Re-INVITE with `sdp`; resolves with the far end's answer. */
  async offer(sdp: string): Promise<string> {
    return this.dialog.modify(this.stamp(sdp));
  }

  /** Sends BYE unless the far end already hung up. Never throws: hanging up must always finish. */
  async hangUp(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (!this.dialog.connected) return;
    await this.dialog.destroy().catch(() => undefined);
  }
}

export interface SessionInit {
  id: string;
  direction: CallDirection;
  state: CallState;
  remote: CallParty;
  dialled: string | null;
  ringAt: string;
  consultFor?: string | null;
}

export class CallSession {
  readonly id: string;
  readonly direction: CallDirection;
  state: CallState;
  remote: CallParty;
  readonly dialled: string | null;
  card: ContactCard | null = null;
  readonly ringAt: string;
  answerAt: string | null = null;
  endAt: string | null = null;
  outcome: CallOutcome | null = null;
  endCause: CallEndCause | null = null;
  endDetail: string | null = null;
  readonly consultFor: string | null;

  /** Inbound, while it rings: the INVITE we have not answered yet. */
  inbound: { req: SipRequestLike; res: SipResponseLike } | null = null;
  /** Outgoing INVITEs not answered yet, to CANCEL when the call ends first. */
  readonly pending = new Set<SipRequestLike>();
  customer: Leg | null = null;
  desk: Leg | null = null;
  /** The consult call (attended transfer) this call is waiting on, if any. */
  consult: CallSession | null = null;
  /** Settles when the caller's card lookup is done (the call log wants its contact id). */
  lookup: Promise<void> = Promise.resolve();

  private queue: Promise<unknown> = Promise.resolve();

  constructor(init: SessionInit) {
    this.id = init.id;
    this.direction = init.direction;
    this.state = init.state;
    this.remote = init.remote;
    this.dialled = init.dialled;
    this.ringAt = init.ringAt;
    this.consultFor = init.consultFor ?? null;
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Runs agent actions on this call one at a time (an Answer and a Hang up pressed together). */
  run<T>(action: () => Promise<T>): Promise<T> {
    const next = this.queue.then(action, action);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the call once; returns false if it had already ended. */
  end(at: string, outcome: CallOutcome, cause: CallEndCause, detail: string | null = null): boolean {
    if (this.ended) return false;
    this.state = 'ended';
    this.endAt = at;
    this.outcome = outcome;
    this.endCause = cause;
    this.endDetail = detail;
    this.inbound = null;
    return true;
  }

  summary(): CallSummary {
    return {
      id: this.id,
      direction: this.direction,
      state: this.state,
      remote: { ...this.remote },
      dialled: this.dialled,
      card: this.card,
      ringAt: this.ringAt,
      answerAt: this.answerAt,
      endAt: this.endAt,
      outcome: this.outcome,
      endCause: this.endCause,
      endDetail: this.endDetail,
      consultFor: this.consultFor,
    };
  }
}
