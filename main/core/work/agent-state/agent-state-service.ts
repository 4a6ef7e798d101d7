import type { AgentStateSnapshot } from '../../../common/channels/work';
import type { AgentState, CallSummary } from '../../../common/domain';
import { ZuoxiError } from '../../../common/errors';
import { systemClock, type Clock } from '../../edge/clock';
import type { Logger } from '../../log/logger';
import type { Database } from '../../store/database';
import type { Outbox } from '../../sync/outbox';
import type { AutoLogin, NotReadyReason, WrapUpSettings } from './work-settings';

export type ManualState = 'ready' | 'not_ready' | 'logged_out';

export interface AgentStateSettings {
  notReadyReasons: NotReadyReason[];
  wrapUp: WrapUpSettings;
  autoLogin: AutoLogin;
}

export interface AgentStateServiceOptions {
  db: Database;
  outbox: Outbox;
  log: Logger;
  clock?: Clock;
  /** Read at each change, so a policy change of the lists applies at once. */
  settings: () => AgentStateSettings;
  /** Who the log rows belong to (the agent's extension); read at each change. */
  agentId: () => string;
  /** Every change, after it is stored. */
  onChange: (snapshot: AgentStateSnapshot) => void;
}

/** The outbox kind of a state change. */
export const AGENT_STATE_OUTBOX_KIND = 'agent_state';

interface Choice {
  state: ManualState;
  reason: string | null;
}

/**
 * The agent's state machine. The agent chooses ready / not ready (with a reason) /
 * logged out; the calls drive ringing and on_call; an answered call ends in wrap-up when
 * the center configures it, else the agent goes back to what they had chosen.
 *
 * Every change is appended to `agent_state_log` with its time, in the same transaction
 * as its outbox row: the log is the attendance record the floor rules are checked
 * against, and the back office hears of each change exactly once. Changes are written
 * one after another in the order they happened (a queue), so the log never has a later
 * state before an earlier one, however the calls' pushes interleave with the agent's clicks.
 */
export class AgentStateService {
  private readonly clock: Clock;
  private snapshot: AgentStateSnapshot;
  /** What the agent chose last: where a call returns them to. */
  private choice: Choice = { state: 'logged_out', reason: null };
  private afterCall: Choice | null = null;
  private wrapUpTimer: unknown = null;
  /** The wrap-up's automatic return came due while its disposition was missing. */
  private wrapUpOverdue = false;
  private autoLoginDone = false;
  /** Calls whose disposition was saved while they were still up: their wrap-up needs none. */
  private readonly savedEarly = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: AgentStateServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.snapshot = this.make('logged_out', null, null);
  }

  get current(): AgentStateSnapshot {
    return this.snapshot;
  }

  /**
   * Whether a new inbound call may ring. Not ready, logged out and wrap-up refuse it
   * (486 from the calls service), so the ACD routes the caller to another agent.
   */
  acceptsInbound(): boolean {
    const { state } = this.snapshot;
    return state !== 'not_ready' && state !== 'logged_out' && state !== 'wrap_up';
  }

  /**
   * Run-start bookkeeping: a previous run that died without logging out left the log
   * in some logged-in state; a logged_out row now closes it, so the checker does not see
   * a login that lasted through the night.
   */
  async open(): Promise<void> {
    const last = await this.options.db.get<{ state: AgentState }>('SELECT state FROM agent_state_log ORDER BY id DESC LIMIT 1');
    if (last && last.state !== 'logged_out') await this.enqueueWrite(this.make('logged_out', 'restart', null));
  }

  /** The line registered: log the agent in once per run, if the center wants that. */
  lineOnline(): void {
    if (this.autoLoginDone) return;
    this.autoLoginDone = true;
    const { autoLogin } = this.options.settings();
    if (autoLogin === 'off' || this.snapshot.state !== 'logged_out') return;
    const reason = autoLogin === 'not_ready' ? this.defaultReason() : null;
    this.choice = { state: autoLogin, reason };
    void this.change(autoLogin, reason, null).catch((error: unknown) => this.options.log.error('agent.auto_login_failed', { error }));
  }

  async setState(state: ManualState, reason?: string): Promise<AgentStateSnapshot> {
    const chosen: Choice = { state, reason: this.checkReason(state, reason) };
    const current = this.snapshot.state;
    if (current === 'ringing' || current === 'on_call') {
      // The call is not cut short: the choice waits for it (and its wrap-up) to end.
      this.afterCall = chosen;
      this.snapshot = { ...this.snapshot, afterCall: chosen };
      this.options.onChange(this.snapshot);
      return this.snapshot;
    }
    if (current === 'wrap_up' && this.snapshot.dispositionMissing) {
      throw new ZuoxiError('invalid_input', 'Save the call’s disposition before leaving wrap-up');
    }
    this.choice = chosen;
    this.afterCall = null;
    await this.change(chosen.state, chosen.reason, null);
    return this.snapshot;
  }

  /** The calls in progress changed (every calls.changed): ringing, on_call, and what follows a call. */
  callsChanged(calls: readonly CallSummary[]): void {
    const up = calls.find((call) => call.state === 'active' || call.state === 'held' || call.state === 'dialing');
    const ringing = calls.find((call) => call.state === 'ringing');
    const { state, callId } = this.snapshot;
    let next: Promise<void> | null = null;
    if (up) {
      if (state !== 'on_call') next = this.change('on_call', null, up.id);
    } else if (ringing) {
      if (state !== 'ringing' && state !== 'on_call') next = this.change('ringing', null, ringing.id);
    } else if (state === 'on_call' && this.options.settings().wrapUp.enabled) {
      next = this.enterWrapUp(callId);
    } else if (state === 'on_call' || state === 'ringing') {
      next = this.returnAfterCall();
    }
    next?.catch((error: unknown) => this.options.log.error('agent.state_write_failed', { error }));
  }

  /** The wrap-up service saved the call's disposition: the agent may leave wrap-up now (and is sent back if its time is up). */
  async dispositionSaved(callId: string): Promise<void> {
    if (this.snapshot.state !== 'wrap_up') {
      // Filled in during the call: remembered for the wrap-up that follows (a few calls at most).
      if (this.snapshot.callId === callId) this.savedEarly.add(callId);
      return;
    }
    if (this.snapshot.callId !== callId || !this.snapshot.dispositionMissing) return;
    this.snapshot = { ...this.snapshot, dispositionMissing: false };
    this.options.onChange(this.snapshot);
    if (this.wrapUpOverdue) await this.leaveWrapUp();
  }

  /** Resolves once every change so far is stored (tests, shutdown). */
  settled(): Promise<void> {
    return this.writes;
  }

  /** Logs the agent out (the app closes) and waits for every change to be stored. */
  async close(): Promise<void> {
    this.clearWrapUpTimer();
    if (!this.closed && this.snapshot.state !== 'logged_out') {
      await this.change('logged_out', 'app_closed', null).catch((error: unknown) => this.options.log.error('agent.logout_failed', { error }));
    }
    this.closed = true;
    await this.writes;
  }

  // ---- transitions

  private async enterWrapUp(callId: string | null): Promise<void> {
    const { autoReadyAfterSeconds, dispositionRequired } = this.options.settings().wrapUp;
    this.wrapUpOverdue = false;
    const endsAt = autoReadyAfterSeconds === null ? null : this.clock.now() + autoReadyAfterSeconds * 1000;
    const savedEarly = callId !== null && this.savedEarly.delete(callId);
    this.savedEarly.clear();
    const done = this.change('wrap_up', null, callId, { endsAt, dispositionMissing: dispositionRequired && !savedEarly });
    if (endsAt !== null) {
      this.wrapUpTimer = this.clock.setTimeout(() => {
        this.wrapUpTimer = null;
        this.wrapUpOverdue = true;
        if (this.snapshot.state === 'wrap_up' && !this.snapshot.dispositionMissing) {
          void this.leaveWrapUp().catch((error: unknown) => this.options.log.error('agent.state_write_failed', { error }));
        } else {
          this.options.log.info('agent.wrapup_overdue', { callId });
        }
      }, endsAt - this.clock.now());
    }
    await done;
  }

  /** The automatic end of wrap-up: ready, unless the agent chose something else during the call. */
  private leaveWrapUp(): Promise<void> {
    if (this.snapshot.state !== 'wrap_up') return Promise.resolve();
    if (!this.afterCall) this.choice = { state: 'ready', reason: null };
    return this.returnAfterCall();
  }

  private returnAfterCall(): Promise<void> {
    if (this.afterCall) this.choice = this.afterCall;
    this.afterCall = null;
    return this.change(this.choice.state, this.choice.reason, null);
  }

  /**
   * Sets the state at once (so the next INVITE is judged by it) and queues its row; the
   * promise settles once the row is stored.
   */
  private change(state: AgentState, reason: string | null, callId: string | null, wrapUp?: { endsAt: number | null; dispositionMissing: boolean }): Promise<void> {
    if (state !== 'wrap_up') {
      this.clearWrapUpTimer();
      this.wrapUpOverdue = false;
    }
    const snapshot = this.make(state, reason, callId, wrapUp);
    this.snapshot = snapshot;
    this.options.onChange(snapshot);
    return this.enqueueWrite(snapshot);
  }

  private enqueueWrite(snapshot: AgentStateSnapshot): Promise<void> {
    const write = this.writes.then(() => this.store(snapshot));
    // The queue goes on after a failed write; the failure is the caller's to report.
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async store(snapshot: AgentStateSnapshot): Promise<void> {
    const agent = this.options.agentId();
    const atMs = Date.parse(snapshot.since);
    await this.options.outbox.transaction(async (tx) => {
      const { lastId } = await tx.run('INSERT INTO agent_state_log (agent, state, reason, call_id, at, at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
        agent,
        snapshot.state,
        snapshot.reason,
        snapshot.callId,
        snapshot.since,
        atMs,
      ]);
      await this.options.outbox.enqueue(tx, {
        kind: AGENT_STATE_OUTBOX_KIND,
        payload: { logId: lastId, agent, state: snapshot.state, reason: snapshot.reason, callId: snapshot.callId, at: snapshot.since },
        // The row's identity on this seat: a re-sent change is the same record to the back office.
        idempotencyKey: `agent-state:${agent || '-'}:${atMs}:${lastId}`,
      });
    });
    this.options.log.info('agent.state', { state: snapshot.state, reason: snapshot.reason, callId: snapshot.callId });
  }

  private make(state: AgentState, reason: string | null, callId: string | null, wrapUp?: { endsAt: number | null; dispositionMissing: boolean }): AgentStateSnapshot {
    return {
      state,
      reason,
      since: new Date(this.clock.now()).toISOString(),
      callId,
      wrapUpEndsAt: wrapUp?.endsAt != null ? new Date(wrapUp.endsAt).toISOString() : null,
      dispositionMissing: wrapUp?.dispositionMissing ?? false,
      afterCall: state === 'ringing' || state === 'on_call' || state === 'wrap_up' ? this.afterCall : null,
    };
  }

  private checkReason(state: ManualState, reason: string | undefined): string | null {
    if (state !== 'not_ready') {
      if (reason !== undefined) throw new ZuoxiError('invalid_input', `Only not ready takes a reason, not ${state}`);
      return null;
    }
    const reasons = this.options.settings().notReadyReasons;
    if (reason === undefined) throw new ZuoxiError('invalid_input', 'Not ready needs a reason');
    if (!reasons.some((entry) => entry.code === reason)) {
      throw new ZuoxiError('invalid_input', `Unknown not-ready reason ${JSON.stringify(reason)}; the center's reasons are ${reasons.map((r) => r.code).join(', ')}`);
    }
    return reason;
  }

  private defaultReason(): string {
    return this.options.settings().notReadyReasons[0]?.code ?? 'other';
  }

  private clearWrapUpTimer(): void {
    if (this.wrapUpTimer !== null) this.clock.clearTimeout(this.wrapUpTimer);
    this.wrapUpTimer = null;
  }
}
