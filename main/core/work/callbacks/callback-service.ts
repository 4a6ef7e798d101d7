/**
 * Callbacks (回访): the list of customers an agent has promised to call back, the
 * click-to-call that works through it, and the numbers the KPI engine needs (callback
 * rate and effective callback rate, kpi-rules.md metrics 7 and 8).
 *
 * Every change is written in one transaction with its outbox row (main/core/sync), so
 * the back office hears of each callback, attempt and resolution exactly as it was
 * stored. Reminders are driven by an injected Clock: the shell turns the
 * `callbacks.reminder` push into an OS notification, and tests step the clock.
 */
import type {
  Callback,
  CallbackAgentOutcome,
  CallbackAttempt,
  CallbackReminder,
  CallbackSipOutcome,
  CallbackSource,
  CallbackStats,
  CallbackStatus,
} from '../../../common/channels/callbacks';
import type { CallSummary } from '../../../common/domain';
import { ZuoxiError } from '../../../common/errors';
import type { Clock } from '../../edge/clock';
import type { Logger } from '../../log/logger';
import type { Database, SqlExecutor } from '../../store/database';
import type { Outbox } from '../../sync/outbox';
import type { CallbackSettings } from './callback-settings';
import { nextStep, REACHED_OUTCOMES, type NextStep } from './retry-policy';
import { classifyEndedCall } from './sip-outcome';

/** Click-to-dial as the calls service offers it (CallsService.dial). */
export interface CallbackDialer {
  dial(number: string): Promise<CallSummary>;
}

export interface CallbackServiceOptions {
  db: Database;
  outbox: Outbox;
  log: Logger;
  /** Time and timers: reminders, due times, overdue marks. */
  clock: Clock;
  /** Read at every use, so a policy change applies to the next decision. */
  settings: () => CallbackSettings;
  /** Raw number → E.164, null when it is not a phone number (the directory's normalizer). */
  toE164: (raw: string) => string | null;
  /** Stored E.164 → what the PBX is sent (dial-string.ts); E.164 as it is when absent. */
  toDialString?: (e164: string) => string;
  dialer: CallbackDialer;
  /** `callbacks.changed` */
  onChanged: (callback: Callback) => void;
  /** `callbacks.reminder` */
  onReminder: (reminder: CallbackReminder) => void;
}

/**
 * A repair work order as the callback needs it. The wrap-up module's own type may carry
 * more; anything with these fields will do.
 */
export interface WorkOrderForCallback {
  id: string | number;
  /** ISO 8601; the callback is due `workOrderDueHours` (24 h) after it. */
  createdAt: string;
  /** The phone to call back, as typed on the form. */
  contactPhone: string;
  contactId?: number | null;
  /** e.g. the fault type, shown in the list. */
  subject?: string;
}

export interface CreateCallbackInput {
  number: string;
  contactId?: number | null;
  dueAt?: string | null;
  subject?: string;
  /** The call being wrapped up: makes it a wrap_up callback, once per call. */
  fromCallId?: string | null;
}

interface NewCallback {
  number: string;
  contactId: number | null;
  subject: string;
  source: CallbackSource;
  sourceRef: string | null;
  deadline: Date;
}

interface CallbackRow {
  id: number;
  contact_id: number | null;
  number: string;
  subject: string;
  source: CallbackSource;
  source_ref: string | null;
  created_at: string;
  deadline_at: string;
  due_at: string;
  status: CallbackStatus;
  attempts: number;
  last_attempt_at: string | null;
  last_sip_outcome: CallbackSipOutcome | null;
  last_sip_detail: string | null;
  resolution: string | null;
  resolved_at: string | null;
  call_in_progress: string | null;
}

interface AttemptRow {
  id: number;
  callback_id: number;
  call_id: string | null;
  started_at: string;
  ended_at: string | null;
  sip_outcome: CallbackSipOutcome | null;
  sip_detail: string | null;
  agent_outcome: CallbackAgentOutcome | null;
  note: string;
}

const SELECT_CALLBACK = `
  SELECT c.*, (SELECT a.call_id FROM callback_attempts a
               WHERE a.callback_id = c.id AND a.ended_at IS NULL AND a.call_id IS NOT NULL
               ORDER BY a.id DESC LIMIT 1) AS call_in_progress
  FROM callbacks c`;

/** Attempts that cost a try: everything but calls that never left the agent's phone. */
const COUNTED_ATTEMPTS = `SELECT COUNT(*) FROM callback_attempts WHERE callback_id = callbacks.id AND (sip_outcome IS NULL OR sip_outcome != 'not_placed')`;

/** setTimeout cannot wait beyond ~24.8 days, and a long sleep misses clock jumps: wake at least this often. */
const MAX_TIMER_MS = 60 * 60_000;
/** Ended calls seen before `call()` stored their attempt (a call that failed at once). */
const MAX_EARLY_ENDS = 32;

export class CallbackService {
  private readonly log: Logger;
  private timer: unknown = null;
  private started = false;
  /** callback id → the due time it was last reminded of: one reminder per due time. */
  private readonly reminded = new Map<number, string>();
  /** Callbacks whose dial is on its way, so a double click does not ring the customer twice. */
  private readonly dialing = new Set<number>();
  private readonly earlyEnds = new Map<string, CallSummary>();
  /**
   * Storing a dialled call's attempt and recording a call's end take turns, so an end
   * that arrives while its attempt is being stored is never missed.
   */
  private turn: Promise<unknown> = Promise.resolve();
  /** The reminder pass a timer started, for `settled()`. */
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly options: CallbackServiceOptions) {
    this.log = options.log.child({ module: 'callbacks' });
  }

  /**
   * Closes attempts left open by a crash or a stop mid-call (their call is gone with the
   * process) and arms the reminders; callbacks already due are reminded of at once.
   */
  async start(): Promise<void> {
    this.started = true;
    const dangling = await this.options.db.all<AttemptRow>('SELECT * FROM callback_attempts WHERE ended_at IS NULL');
    for (const attempt of dangling) {
      await this.endAttempt(attempt, { outcome: 'not_placed', detail: 'Zuoxi stopped during the call' });
    }
    await this.armReminders();
  }

  /** Stops the reminders and waits for writes in flight (a call's end recorded at shutdown), before the database closes. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.turn;
    await this.pass;
  }

  // ---- Reads

  /** Open ones by due time (what to call next), then closed ones, most recently closed first. */
  async list(status: CallbackStatus | undefined, limit: number): Promise<Callback[]> {
    const rows = await this.options.db.all<CallbackRow>(
      `${SELECT_CALLBACK} ${status ? 'WHERE c.status = ?' : ''}
       ORDER BY c.status != 'open', CASE WHEN c.status = 'open' THEN c.due_at END, c.deadline_at, c.resolved_at DESC, c.id
       LIMIT ?`,
      status ? [status, limit] : [limit],
    );
    return rows.map((row) => this.toCallback(row));
  }

  async get(id: number, db: SqlExecutor = this.options.db): Promise<Callback> {
    const row = await db.get<CallbackRow>(`${SELECT_CALLBACK} WHERE c.id = ?`, [id]);
    if (!row) throw new ZuoxiError('not_found', `There is no callback ${id}`);
    return this.toCallback(row);
  }

  async attempts(id: number): Promise<CallbackAttempt[]> {
    await this.get(id);
    const rows = await this.options.db.all<AttemptRow>('SELECT * FROM callback_attempts WHERE callback_id = ? ORDER BY id', [id]);
    return rows.map(toAttempt);
  }

  // ---- Creating

  /** By hand, or from the wrap-up form when `fromCallId` names the call being wrapped up. */
  create(input: CreateCallbackInput): Promise<Callback> {
    const now = this.now();
    const dueAt = input.dueAt ? new Date(input.dueAt) : new Date(now.getTime() + this.options.settings().defaultDueHours * 3_600_000);
    return this.insert({
      number: input.number,
      contactId: input.contactId ?? null,
      subject: input.subject ?? '',
      source: input.fromCallId ? 'wrap_up' : 'manual',
      sourceRef: input.fromCallId ?? null,
      deadline: dueAt,
    });
  }

  /**
   * A repair work order's callback, due `workOrderDueHours` (24 h) after the order was
   * created — not after this call, so an order synced in late keeps its real deadline.
   * Saving the same order again returns the callback already made. For a hook that runs
   * after the work order has committed; `createFromWorkOrderIn` is the atomic variant.
   */
  async createFromWorkOrder(order: WorkOrderForCallback): Promise<Callback> {
    const result = await this.options.outbox.transaction((tx) => this.createFromWorkOrderIn(tx, order));
    if (result.created) await this.announce(result.callback);
    return result.callback;
  }

  /**
   * The same inside the wrap-up module's own transaction, so a work order never commits
   * without its callback (a crash between two transactions would lose the 24 h promise).
   * The caller passes the result to `announce` after its COMMIT.
   */
  createFromWorkOrderIn(tx: SqlExecutor, order: WorkOrderForCallback): Promise<{ callback: Callback; created: boolean }> {
    const created = new Date(order.createdAt);
    if (Number.isNaN(created.getTime())) throw new ZuoxiError('invalid_input', `Work order ${order.id} has no valid creation time`);
    return this.insertIn(tx, {
      number: order.contactPhone,
      contactId: order.contactId ?? null,
      subject: order.subject ?? '',
      source: 'work_order',
      sourceRef: String(order.id),
      deadline: new Date(created.getTime() + this.options.settings().workOrderDueHours * 3_600_000),
    });
  }

  /** After the transaction that created (or corrected) `callback` has committed: the push and the reminders. */
  async announce(callback: Callback): Promise<void> {
    this.log.info('callbacks.saved', { id: callback.id, source: callback.source, dueAt: callback.dueAt });
    await this.changed(await this.get(callback.id));
  }

  private async insert(input: NewCallback): Promise<Callback> {
    const result = await this.options.outbox.transaction((tx) => this.insertIn(tx, input));
    if (result.created) await this.announce(result.callback);
    return result.callback;
  }

  private async insertIn(tx: SqlExecutor, input: NewCallback): Promise<{ callback: Callback; created: boolean }> {
    const e164 = this.options.toE164(input.number);
    if (!e164) throw new ZuoxiError('invalid_input', `Not a phone number that can be called back: ${JSON.stringify(input.number)}`);
    if (Number.isNaN(input.deadline.getTime())) throw new ZuoxiError('invalid_input', 'The due time is not a valid time');
    const deadline = input.deadline.toISOString();
    if (input.sourceRef !== null) {
      const existing = await tx.get<{ id: number; number: string; subject: string; status: CallbackStatus }>(
        'SELECT id, number, subject, status FROM callbacks WHERE source = ? AND source_ref = ?',
        [input.source, input.sourceRef],
      );
      if (existing) {
        // A corrected work order (a mistyped phone fixed) updates the callback still to be made; its deadline stays the order's.
        const corrected = existing.status === 'open' && (existing.number !== e164 || existing.subject !== input.subject);
        if (corrected) {
          await tx.run('UPDATE callbacks SET number = ?, subject = ?, contact_id = coalesce(?, contact_id) WHERE id = ?', [e164, input.subject, input.contactId, existing.id]);
          await this.enqueueChange(tx, 'corrected', existing.id, null);
        }
        return { callback: await this.get(existing.id, tx), created: corrected };
      }
    }
    // The customer the callback is for, so the list can show their card: whoever the number belongs to in the directory.
    const contactId =
      input.contactId ?? (await tx.get<{ contact_id: number }>('SELECT contact_id FROM contact_numbers WHERE e164 = ?', [e164]))?.contact_id ?? null;
    const { lastId } = await tx.run(
      `INSERT INTO callbacks (contact_id, number, subject, source, source_ref, created_at, deadline_at, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [contactId, e164, input.subject, input.source, input.sourceRef, this.now().toISOString(), deadline, deadline],
    );
    const callback = await this.get(lastId, tx);
    await this.options.outbox.enqueue(tx, { kind: 'callback', payload: { event: 'created', callback: forBackOffice(callback) } });
    return { callback, created: true };
  }

  // ---- Calling

  /**
   * Click-to-call: dials the number through the calls service and keeps the call as an
   * attempt. Its end arrives through `onCallChanged` (the calls.changed stream).
   */
  async call(id: number): Promise<{ callback: Callback; callId: string }> {
    const callback = await this.get(id);
    if (callback.status !== 'open') throw new ZuoxiError('invalid_input', `Callback ${id} is ${callback.status}; there is nothing left to call`);
    if (callback.callInProgress || this.dialing.has(id)) throw new ZuoxiError('invalid_input', `Callback ${id} is already being called`);
    this.dialing.add(id);
    try {
      const call = await this.options.dialer.dial(this.options.toDialString?.(callback.number) ?? callback.number);
      await this.inTurn(async () => {
        const started = call.ringAt || this.now().toISOString();
        await this.options.outbox.transaction(async (tx) => {
          const { lastId } = await tx.run('INSERT INTO callback_attempts (callback_id, call_id, started_at) VALUES (?, ?, ?)', [id, call.id, started]);
          await tx.run(`UPDATE callbacks SET attempts = (${COUNTED_ATTEMPTS}), last_attempt_at = ? WHERE id = ?`, [started, id]);
          await this.enqueueChange(tx, 'attempt_started', id, lastId);
        });
        this.log.info('callbacks.calling', { id, callId: call.id });
        const early = this.earlyEnds.get(call.id);
        this.earlyEnds.delete(call.id);
        if (early) await this.recordCallEnd(early);
        else await this.changed(await this.get(id));
      });
      return { callback: await this.get(id), callId: call.id };
    } finally {
      this.dialing.delete(id);
    }
  }

  /** Every calls.changed summary; an ended call that is a callback attempt is classified and recorded. */
  async onCallChanged(call: CallSummary): Promise<void> {
    if (call.state !== 'ended') return;
    await this.inTurn(() => this.recordCallEnd(call));
  }

  private async recordCallEnd(call: CallSummary): Promise<void> {
    const attempt = await this.options.db.get<AttemptRow>('SELECT * FROM callback_attempts WHERE call_id = ? AND ended_at IS NULL', [call.id]);
    if (!attempt) {
      // Ended before call() stored its attempt (failed at once): call() picks it up.
      if (this.dialing.size > 0) {
        this.earlyEnds.set(call.id, call);
        if (this.earlyEnds.size > MAX_EARLY_ENDS) this.earlyEnds.delete(this.earlyEnds.keys().next().value as string);
      }
      return;
    }
    await this.endAttempt(attempt, classifyEndedCall(call), call.endAt);
  }

  private async endAttempt(attempt: AttemptRow, sip: { outcome: CallbackSipOutcome; detail: string | null }, endAt: string | null = null): Promise<void> {
    const ended = endAt ?? this.now().toISOString();
    const step = await this.options.outbox.transaction(async (tx) => {
      await tx.run('UPDATE callback_attempts SET ended_at = ?, sip_outcome = ?, sip_detail = ? WHERE id = ?', [ended, sip.outcome, sip.detail, attempt.id]);
      await tx.run(`UPDATE callbacks SET attempts = (${COUNTED_ATTEMPTS}), last_sip_outcome = ?, last_sip_detail = ? WHERE id = ?`, [
        sip.outcome,
        sip.detail,
        attempt.callback_id,
      ]);
      // An agent who judged the call while it was up has already decided what follows.
      const step = attempt.agent_outcome === null ? await this.applyPolicy(tx, attempt.callback_id, sip.outcome, null) : null;
      await this.enqueueChange(tx, 'attempt_ended', attempt.callback_id, attempt.id);
      return step;
    });
    this.log.info('callbacks.attempt_ended', { id: attempt.callback_id, callId: attempt.call_id, sipOutcome: sip.outcome, next: step?.kind ?? 'agent' });
    await this.changed(await this.get(attempt.callback_id));
  }

  // ---- The agent's outcome

  /**
   * The agent's outcome of the latest attempt not judged yet — also while its call is
   * still up — or, when there is none, of a contact made outside Zuoxi (recorded as an
   * attempt without a call). The retry policy then decides: done, due again, or abandoned.
   */
  async resolve(id: number, outcome: CallbackAgentOutcome, note: string): Promise<Callback> {
    await this.options.outbox.transaction(async (tx) => {
      const callback = await this.get(id, tx);
      if (callback.status !== 'open') throw new ZuoxiError('invalid_input', `Callback ${id} is already ${callback.status}`);
      let attempt = await tx.get<AttemptRow>(
        `SELECT * FROM callback_attempts WHERE callback_id = ? AND agent_outcome IS NULL
           AND (sip_outcome IS NULL OR sip_outcome != 'not_placed') ORDER BY id DESC LIMIT 1`,
        [id],
      );
      const now = this.now().toISOString();
      if (attempt) {
        await tx.run('UPDATE callback_attempts SET agent_outcome = ?, note = ? WHERE id = ?', [outcome, note, attempt.id]);
      } else {
        const { lastId } = await tx.run('INSERT INTO callback_attempts (callback_id, started_at, ended_at, agent_outcome, note) VALUES (?, ?, ?, ?, ?)', [
          id,
          now,
          now,
          outcome,
          note,
        ]);
        attempt = await tx.get<AttemptRow>('SELECT * FROM callback_attempts WHERE id = ?', [lastId]);
        await tx.run(`UPDATE callbacks SET attempts = (${COUNTED_ATTEMPTS}), last_attempt_at = ? WHERE id = ?`, [now, id]);
      }
      await this.applyPolicy(tx, id, attempt?.sip_outcome ?? null, outcome);
      await this.enqueueChange(tx, 'resolved', id, attempt?.id ?? null);
    });
    const callback = await this.get(id);
    this.log.info('callbacks.resolved', { id, outcome, status: callback.status });
    await this.changed(callback);
    return callback;
  }

  private async applyPolicy(tx: SqlExecutor, id: number, sip: CallbackSipOutcome | null, agent: CallbackAgentOutcome | null): Promise<NextStep> {
    const row = await tx.get<{ attempts: number }>('SELECT attempts FROM callbacks WHERE id = ?', [id]);
    const now = this.now();
    const step = nextStep({ attempts: row?.attempts ?? 0, sipOutcome: sip, agentOutcome: agent, now }, this.options.settings());
    if (step.kind === 'retry') {
      await tx.run('UPDATE callbacks SET due_at = ? WHERE id = ?', [step.dueAt.toISOString(), id]);
    } else if (step.kind === 'done' || step.kind === 'abandoned') {
      await tx.run('UPDATE callbacks SET status = ?, resolution = ?, resolved_at = ? WHERE id = ?', [step.kind, step.resolution, now.toISOString(), id]);
    }
    return step;
  }

  // ---- KPI

  /**
   * For the KPI engine: KPI 7 (维修回访率) and 8 (维修有效回访率) for [from, to): the required callbacks are
   * the repair work orders whose deadline falls in the period ("every repair ticket
   * within 24 h of its creation", seed 第三篇 话务员 10, 12); one is made when an attempt
   * reached the customer by the deadline, effective when that attempt resolved the issue.
   * This database is one agent's, so these are that agent's numbers.
   */
  async callbackStats(from: string, to: string): Promise<CallbackStats> {
    const start = new Date(from);
    const end = new Date(to);
    if (!(start.getTime() < end.getTime())) throw new ZuoxiError('invalid_input', 'The period must end after it starts');
    const reached = [...REACHED_OUTCOMES].map(() => '?').join(', ');
    const row = await this.options.db.get<{ required: number; done: number | null; effective: number | null }>(
      `SELECT COUNT(*) AS required,
              SUM(EXISTS (SELECT 1 FROM callback_attempts a WHERE a.callback_id = c.id
                          AND a.agent_outcome IN (${reached}) AND COALESCE(a.ended_at, a.started_at) <= c.deadline_at)) AS done,
              SUM(EXISTS (SELECT 1 FROM callback_attempts a WHERE a.callback_id = c.id
                          AND a.agent_outcome = 'reached_resolved' AND COALESCE(a.ended_at, a.started_at) <= c.deadline_at)) AS effective
       FROM callbacks c
       WHERE c.source = 'work_order' AND c.deadline_at >= ? AND c.deadline_at < ?`,
      [...REACHED_OUTCOMES, start.toISOString(), end.toISOString()],
    );
    const required = row?.required ?? 0;
    const done = row?.done ?? 0;
    const effective = row?.effective ?? 0;
    return {
      from: start.toISOString(),
      to: end.toISOString(),
      required,
      done,
      effective,
      callbackRate: required === 0 ? null : done / required,
      effectiveRate: required === 0 ? null : effective / required,
    };
  }

  // ---- Reminders

  /**
   * Reminds of every open callback whose reminder time (due − lead) has come and that
   * was not reminded of for this due time, then sleeps until the next one. Kept in
   * memory on purpose: after a restart the agent is reminded again of what is due.
   */
  async armReminders(): Promise<void> {
    if (!this.started) return;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    const leadMs = this.options.settings().reminderLeadMinutes * 60_000;
    const now = this.options.clock.now();
    const open = await this.options.db.all<CallbackRow>(`${SELECT_CALLBACK} WHERE c.status = 'open' ORDER BY c.due_at LIMIT 1000`);
    let next: number | null = null;
    for (const row of open) {
      if (this.reminded.get(row.id) === row.due_at || row.call_in_progress) continue;
      const remindAt = Date.parse(row.due_at) - leadMs;
      if (remindAt <= now) {
        this.reminded.set(row.id, row.due_at);
        const callback = this.toCallback(row);
        this.log.info('callbacks.reminder', { id: row.id, dueAt: row.due_at });
        this.options.onReminder({ callback, minutesToDue: Math.round((Date.parse(row.due_at) - now) / 60_000) });
      } else if (next === null || remindAt < next) {
        next = remindAt;
      }
    }
    if (next !== null && this.started) {
      this.timer = this.options.clock.setTimeout(
        () => {
          this.timer = null;
          this.pass = this.armReminders().catch((error: unknown) => this.log.error('callbacks.reminders_failed', { error }));
        },
        Math.min(next - now, MAX_TIMER_MS),
      );
    }
  }

  /** Resolves when the reminder pass a timer started has finished (tests stepping a clock, shutdown). */
  async settled(): Promise<void> {
    await this.pass;
  }

  // ---- Plumbing

  private async changed(callback: Callback): Promise<void> {
    if (callback.status !== 'open') this.reminded.delete(callback.id);
    this.options.onChanged(callback);
    await this.armReminders();
  }

  private async enqueueChange(tx: SqlExecutor, event: string, id: number, attemptId: number | null): Promise<void> {
    const callback = await this.get(id, tx);
    const attempt = attemptId === null ? null : await tx.get<AttemptRow>('SELECT * FROM callback_attempts WHERE id = ?', [attemptId]);
    await this.options.outbox.enqueue(tx, {
      kind: 'callback',
      payload: { event, callback: forBackOffice(callback), attempt: attempt ? toAttempt(attempt) : null },
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private now(): Date {
    return new Date(this.options.clock.now());
  }

  private toCallback(row: CallbackRow): Callback {
    return {
      id: row.id,
      contactId: row.contact_id,
      number: row.number,
      subject: row.subject,
      source: row.source,
      sourceRef: row.source_ref,
      createdAt: row.created_at,
      deadlineAt: row.deadline_at,
      dueAt: row.due_at,
      status: row.status,
      overdue: row.status === 'open' && Date.parse(row.deadline_at) < this.options.clock.now(),
      attempts: row.attempts,
      lastAttemptAt: row.last_attempt_at,
      lastSipOutcome: row.last_sip_outcome,
      lastSipDetail: row.last_sip_detail,
      resolution: row.resolution,
      resolvedAt: row.resolved_at,
      callInProgress: row.call_in_progress,
    };
  }
}

function toAttempt(row: AttemptRow): CallbackAttempt {
  return {
    id: row.id,
    callId: row.call_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    sipOutcome: row.sip_outcome,
    sipDetail: row.sip_detail,
    agentOutcome: row.agent_outcome,
    note: row.note,
  };
}

/** What the back office keeps: the record, without the view-only fields that depend on when it is read. */
function forBackOffice(callback: Callback): Omit<Callback, 'overdue' | 'callInProgress'> {
  const { overdue: _overdue, callInProgress: _inProgress, ...record } = callback;
  return record;
}
