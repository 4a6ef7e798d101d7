import type { Callback, CallbackReminder } from '../../../../main/common/channels/callbacks';
import type { CallSummary } from '../../../../main/common/domain';
import { PhoneNumberNormalizer } from '../../../../main/core/directory/phone-number';
import { silentLogger } from '../../../../main/core/log/logger';
import { Outbox } from '../../../../main/core/sync/outbox';
import { DEFAULT_CALLBACK_SETTINGS, type CallbackSettings } from '../../../../main/core/work/callbacks/callback-settings';
import { CallbackService } from '../../../../main/core/work/callbacks/callback-service';
import { ManualClock } from '../../sync/helpers/manual-clock';
import { openTempStore, type TempStore } from '../../store/temp-store';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

/** A calls service that dials nothing: each dial returns a fresh call in `dialing`. */
class FakeDialer {
  readonly dialled: string[] = [];
  private seq = 0;
  constructor(private readonly clock: ManualClock) {}
  async dial(number: string): Promise<CallSummary> {
    this.dialled.push(number);
    return summary(`call-${++this.seq}@zuoxi`, number, { state: 'dialing', ringAt: iso(this.clock.now()) });
  }
}

function summary(id: string, number: string, over: Partial<CallSummary>): CallSummary {
  return {
    id,
    direction: 'outbound',
    state: 'ended',
    remote: { number, e164: number, displayName: '', withheld: false },
    dialled: number,
    card: null,
    ringAt: '2026-03-02T08:00:00.000Z',
    answerAt: null,
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
    ...over,
  };
}

describe('CallbackService', () => {
  let store: TempStore;
  let clock: ManualClock;
  let dialer: FakeDialer;
  let settings: CallbackSettings;
  let changed: Callback[];
  let reminders: CallbackReminder[];
  let outbox: Outbox;
  let service: CallbackService;
  const normalizer = new PhoneNumberNormalizer({ defaultRegion: 'CN' });

  beforeEach(async () => {
    store = await openTempStore();
    clock = new ManualClock(T0);
    dialer = new FakeDialer(clock);
    settings = { ...DEFAULT_CALLBACK_SETTINGS, maxAttempts: 3, retrySpacingMinutes: [10, 60], reminderLeadMinutes: 15 };
    changed = [];
    reminders = [];
    outbox = new Outbox(store.db, { now: () => new Date(clock.now()) });
    service = new CallbackService({
      db: store.db,
      outbox,
      log: silentLogger,
      clock,
      settings: () => settings,
      toE164: (raw) => normalizer.toE164(raw),
      dialer,
      onChanged: (callback) => changed.push(callback),
      onReminder: (reminder) => reminders.push(reminder),
    });
    await service.start();
  });
  afterEach(async () => {
    await service.stop();
    await store.dispose();
  });

  const settle = () => service.settled();
  const outboxRows = () => store.db.all<{ kind: string; payload: string }>('SELECT kind, payload FROM outbox ORDER BY id');
  const events = async () => (await outboxRows()).map((row) => (JSON.parse(row.payload) as { event: string }).event);
  /** Places the callback's call and ends it as the calls service would push it. */
  const callAndEnd = async (id: number, end: Partial<CallSummary>) => {
    const { callId, callback } = await service.call(id);
    await service.onCallChanged(summary(callId, callback.number, { endAt: iso(clock.now()), outcome: 'failed', endCause: 'remote_failed', ...end }));
    return service.get(id);
  };

  it('makes a repair work order’s callback due exactly 24 h after the order, once per order', async () => {
    const order = { id: 'WO-17', createdAt: '2026-03-01T22:30:00.000+08:00', contactPhone: '138 0013 8000', subject: '宽带故障' };
    const callback = await service.createFromWorkOrder(order);
    expect(callback).toMatchObject({
      source: 'work_order',
      sourceRef: 'WO-17',
      number: '+8613800138000',
      deadlineAt: '2026-03-02T14:30:00.000Z',
      dueAt: '2026-03-02T14:30:00.000Z',
      status: 'open',
      attempts: 0,
      overdue: false,
    });
    expect(await service.createFromWorkOrder(order)).toEqual(callback);
    expect(await store.db.get('SELECT COUNT(*) AS n FROM callbacks')).toEqual({ n: 1 });
    expect(await events()).toEqual(['created']);
    expect(changed).toHaveLength(1);

    // The order corrected later (a mistyped phone): the callback follows, the deadline stays.
    await clock.advance(HOUR, settle);
    const corrected = await service.createFromWorkOrder({ ...order, contactPhone: '13800138001' });
    expect(corrected).toMatchObject({ id: callback.id, number: '+8613800138001', deadlineAt: callback.deadlineAt, createdAt: callback.createdAt });
    expect(await events()).toEqual(['created', 'corrected']);
    expect(changed).toHaveLength(2);
  });

  it('inside the wrap-up’s own transaction, a work order and its callback commit or roll back together', async () => {
    await store.db.exec('CREATE TABLE work_orders_under_test (id TEXT PRIMARY KEY)');
    const order = { id: 'WO-9', createdAt: iso(T0), contactPhone: '13800138000' };
    await expect(
      outbox.transaction(async (tx) => {
        await tx.run('INSERT INTO work_orders_under_test (id) VALUES (?)', [order.id]);
        await service.createFromWorkOrderIn(tx, order);
        throw new Error('the work order failed validation');
      }),
    ).rejects.toThrow('validation');
    expect(await store.db.get('SELECT COUNT(*) AS n FROM callbacks')).toEqual({ n: 0 });
    expect(await outboxRows()).toEqual([]);
    expect(changed).toEqual([]);

    const made = await outbox.transaction(async (tx) => {
      await tx.run('INSERT INTO work_orders_under_test (id) VALUES (?)', [order.id]);
      return service.createFromWorkOrderIn(tx, order);
    });
    expect(made.created).toBe(true);
    await service.announce(made.callback);
    expect(changed.map((c) => [c.sourceRef, c.dueAt])).toEqual([['WO-9', iso(T0 + 24 * HOUR)]]);
    expect(await events()).toEqual(['created']);
  });

  it('links the callback to the directory contact the number belongs to, unless told which', async () => {
    const { lastId: contactId } = await store.db.run("INSERT INTO contacts (name, created_at, updated_at) VALUES ('李雷', ?, ?)", [iso(T0), iso(T0)]);
    await store.db.run(
      "INSERT INTO contact_numbers (contact_id, label, raw, e164, national_number) VALUES (?, 'mobile', '139 0013 9000', '+8613900139000', '13900139000')",
      [contactId],
    );
    expect(await service.create({ number: '13900139000' })).toMatchObject({ contactId });
    expect(await service.create({ number: '13800138000' })).toMatchObject({ contactId: null });
  });

  it('refuses a number that cannot be called back, and writes nothing', async () => {
    await expect(service.create({ number: 'not a number' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await store.db.get('SELECT COUNT(*) AS n FROM callbacks')).toEqual({ n: 0 });
    expect(await outboxRows()).toEqual([]);
  });

  it('lists open callbacks by due time with the overdue ones marked, as the clock moves', async () => {
    const later = await service.create({ number: '13800138001', dueAt: iso(T0 + 3 * HOUR) });
    const sooner = await service.create({ number: '13800138002', dueAt: iso(T0 + 1 * HOUR) });
    const done = await service.create({ number: '13800138003', dueAt: iso(T0 + 30 * MIN) });
    await service.resolve(done.id, 'reached_resolved', '');
    const wrapUp = await service.create({ number: '13800138004', fromCallId: 'abc@pbx' });
    expect(wrapUp).toMatchObject({ source: 'wrap_up', sourceRef: 'abc@pbx', dueAt: iso(T0 + 24 * HOUR) });

    let list = await service.list('open', 10);
    expect(list.map((c) => c.id)).toEqual([sooner.id, later.id, wrapUp.id]);
    expect(list.map((c) => c.overdue)).toEqual([false, false, false]);

    await clock.advance(2 * HOUR, settle);
    list = await service.list(undefined, 10);
    expect(list.map((c) => [c.id, c.status, c.overdue])).toEqual([
      [sooner.id, 'open', true],
      [later.id, 'open', false],
      [wrapUp.id, 'open', false],
      [done.id, 'done', false],
    ]);
    expect((await service.list('done', 10)).map((c) => c.id)).toEqual([done.id]);
  });

  it('reminds once at due − lead time, and again for the next due time after a retry', async () => {
    const callback = await service.create({ number: '13800138000', dueAt: iso(T0 + HOUR) });
    await clock.advance(45 * MIN - 1, settle);
    expect(reminders).toEqual([]);
    await clock.advance(1, settle);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ callback: { id: callback.id }, minutesToDue: 15 });
    await clock.advance(2 * HOUR, settle);
    expect(reminders).toHaveLength(1);

    // Busy: due again 10 min later, so reminded again right away (lead 15 min > spacing).
    await callAndEnd(callback.id, { endDetail: '486 Busy Here' });
    expect(reminders).toHaveLength(2);
    expect(reminders[1]).toMatchObject({ minutesToDue: 10 });
  });

  it('reminds at start-up of what is already due, and uses the lead time as it is now', async () => {
    await service.create({ number: '13800138000', dueAt: iso(T0 + 10 * MIN) });
    expect(reminders).toHaveLength(1); // within the 15 min lead at once
    await service.stop();
    settings = { ...settings, reminderLeadMinutes: 0 };
    const restarted: CallbackReminder[] = [];
    const again = new CallbackService({
      db: store.db, outbox, log: silentLogger, clock, settings: () => settings,
      toE164: (raw) => normalizer.toE164(raw), dialer, onChanged: () => undefined, onReminder: (r) => restarted.push(r),
    });
    await again.start();
    await clock.advance(10 * MIN - 1, () => again.settled());
    expect(restarted).toEqual([]);
    await clock.advance(1, () => again.settled());
    expect(restarted).toHaveLength(1);
    await again.stop();
  });

  it('click-to-call dials the number and records the SIP outcome; busy and no answer are retried, then abandoned', async () => {
    const callback = await service.create({ number: '13800138000', dueAt: iso(T0) });
    let after = await callAndEnd(callback.id, { endDetail: '486 Busy Here' });
    expect(dialer.dialled).toEqual(['+8613800138000']);
    expect(after).toMatchObject({ status: 'open', attempts: 1, lastSipOutcome: 'busy', lastSipDetail: '486 Busy Here', dueAt: iso(T0 + 10 * MIN), callInProgress: null });

    await clock.advance(10 * MIN, settle);
    after = await callAndEnd(callback.id, { endDetail: '480 Temporarily Unavailable' });
    expect(after).toMatchObject({ status: 'open', attempts: 2, lastSipOutcome: 'no_answer', dueAt: iso(T0 + 70 * MIN) });

    // The agent's desk phone failing costs no attempt and moves nothing.
    after = await callAndEnd(callback.id, { endCause: 'desk_phone_failed', endDetail: '408 Request Timeout' });
    expect(after).toMatchObject({ status: 'open', attempts: 2, lastSipOutcome: 'not_placed', dueAt: iso(T0 + 70 * MIN) });

    after = await callAndEnd(callback.id, { endDetail: '503 Service Unavailable' });
    expect(after).toMatchObject({ status: 'abandoned', attempts: 3, resolution: 'max_attempts', lastSipOutcome: 'network' });
    await expect(service.call(callback.id)).rejects.toMatchObject({ code: 'invalid_input' });

    const attempts = await service.attempts(callback.id);
    expect(attempts.map((a) => [a.callId, a.sipOutcome, a.sipDetail])).toEqual([
      ['call-1@zuoxi', 'busy', '486 Busy Here'],
      ['call-2@zuoxi', 'no_answer', '480 Temporarily Unavailable'],
      ['call-3@zuoxi', 'not_placed', '408 Request Timeout'],
      ['call-4@zuoxi', 'network', '503 Service Unavailable'],
    ]);
  });

  it('abandons an invalid number at once', async () => {
    const callback = await service.create({ number: '13800138000' });
    expect(await callAndEnd(callback.id, { endDetail: '404 Not Found' })).toMatchObject({ status: 'abandoned', resolution: 'invalid_number', attempts: 1 });
  });

  it('waits for the agent after an answered call; their outcome decides', async () => {
    const callback = await service.create({ number: '13800138000' });
    const { callId } = await service.call(callback.id);
    expect(await service.get(callback.id)).toMatchObject({ callInProgress: callId });
    await expect(service.call(callback.id)).rejects.toMatchObject({ code: 'invalid_input' });
    // Judged while the call is still up…
    const resolved = await service.resolve(callback.id, 'reached_unresolved', '客户说网络仍然很慢');
    expect(resolved).toMatchObject({ status: 'done', resolution: 'reached_unresolved', resolvedAt: iso(T0) });
    // …and the call's end afterwards only records how it ended.
    await service.onCallChanged(summary(callId, callback.number, { answerAt: iso(T0), endAt: iso(T0 + MIN), outcome: 'answered', endCause: 'remote_hangup' }));
    expect(await service.get(callback.id)).toMatchObject({ status: 'done', lastSipOutcome: 'answered', attempts: 1 });
    expect((await service.attempts(callback.id))[0]).toMatchObject({ agentOutcome: 'reached_unresolved', note: '客户说网络仍然很慢', sipOutcome: 'answered' });
    await expect(service.resolve(callback.id, 'reached_resolved', '')).rejects.toMatchObject({ code: 'invalid_input' });

    const voicemail = await service.create({ number: '13800138001' });
    const call = await service.call(voicemail.id);
    await service.onCallChanged(summary(call.callId, voicemail.number, { answerAt: iso(T0), endAt: iso(T0), outcome: 'answered', endCause: 'local_hangup' }));
    expect(await service.get(voicemail.id)).toMatchObject({ status: 'open', dueAt: voicemail.dueAt });
    expect(await service.resolve(voicemail.id, 'voicemail', '')).toMatchObject({ status: 'open', dueAt: iso(T0 + 10 * MIN) });
  });

  it('records an end that arrives before the dial has returned', async () => {
    const callback = await service.create({ number: '13800138000' });
    const realDial = dialer.dial.bind(dialer);
    dialer.dial = async (number) => {
      const call = await realDial(number);
      void service.onCallChanged(summary(call.id, number, { endAt: iso(T0), outcome: 'failed', endCause: 'remote_failed', endDetail: '486 Busy Here' }));
      await new Promise<void>((resolve) => setImmediate(resolve));
      return call;
    };
    await service.call(callback.id);
    expect(await service.get(callback.id)).toMatchObject({ lastSipOutcome: 'busy', attempts: 1, callInProgress: null });
  });

  it('closes attempts a stop left open, without counting them', async () => {
    const callback = await service.create({ number: '13800138000' });
    await service.call(callback.id);
    await service.stop();
    await service.start();
    expect(await service.get(callback.id)).toMatchObject({ attempts: 0, lastSipOutcome: 'not_placed', callInProgress: null, status: 'open' });
  });

  it('writes one outbox row with every change, carrying the record as stored', async () => {
    const callback = await service.createFromWorkOrder({ id: 9, createdAt: iso(T0), contactPhone: '13800138000' });
    await callAndEnd(callback.id, { endDetail: '486 Busy Here' });
    await service.resolve(callback.id, 'reached_resolved', 'fixed');
    const rows = await outboxRows();
    expect(rows.map((r) => r.kind)).toEqual(['callback', 'callback', 'callback', 'callback']);
    expect(await events()).toEqual(['created', 'attempt_started', 'attempt_ended', 'resolved']);
    const last = JSON.parse(rows[3]!.payload) as { callback: Callback; attempt: { agentOutcome: string } };
    expect(last.callback).toMatchObject({ id: callback.id, status: 'done', resolution: 'reached_resolved' });
    expect(last.callback).not.toHaveProperty('overdue');
    expect(last.attempt).toMatchObject({ agentOutcome: 'reached_resolved', note: 'fixed' });
  });

  it('leaves neither the record nor its outbox row when either write fails', async () => {
    const enqueue = outbox.enqueue.bind(outbox);
    outbox.enqueue = async () => {
      throw new Error('disk full');
    };
    await expect(service.create({ number: '13800138000' })).rejects.toThrow('disk full');
    expect(await store.db.get('SELECT COUNT(*) AS n FROM callbacks')).toEqual({ n: 0 });

    outbox.enqueue = enqueue;
    const callback = await service.create({ number: '13800138000' });
    await store.db.exec(`CREATE TRIGGER no_attempts BEFORE INSERT ON callback_attempts BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await expect(service.resolve(callback.id, 'reached_resolved', '')).rejects.toThrow(/refused/);
    expect(await service.get(callback.id)).toMatchObject({ status: 'open', attempts: 0 });
    expect(await events()).toEqual(['created']);
  });

  it('counts the callback rate and effective callback rate of a period from work orders due in it', async () => {
    const day = (h: number) => iso(Date.parse('2026-03-01T00:00:00.000Z') + h * HOUR);
    // The orders were created over 1 March; their deadlines fall on 2 March (10:00–14:00 UTC).
    const orders = await Promise.all(
      [0, 1, 2, 3, 4].map((n) => service.createFromWorkOrder({ id: `WO-${n}`, createdAt: day(10 + n), contactPhone: `1380013800${n}` })),
    );
    // Outside the period: deadline on 3 March.
    await service.createFromWorkOrder({ id: 'WO-late', createdAt: '2026-03-02T12:00:00.000Z', contactPhone: '13800138009' });
    // Not a work order: never required.
    await service.create({ number: '13800138008', dueAt: '2026-03-02T12:00:00.000Z' });
    const [resolved, unresolved, refused, lateOne] = orders as [Callback, Callback, Callback, Callback, Callback];
    await service.resolve(resolved.id, 'reached_resolved', ''); // at T0 = 2 Mar 08:00, before its 2 Mar 10:00 deadline
    await service.resolve(unresolved.id, 'reached_unresolved', '');
    await service.resolve(refused.id, 'refused', '');
    await clock.advance(6 * HOUR, settle); // 14:00: past WO-3's 13:00 deadline
    await service.resolve(lateOne.id, 'reached_resolved', '');

    const stats = await service.callbackStats('2026-03-02T00:00:00.000+08:00', '2026-03-03T00:00:00.000+08:00');
    expect(stats).toEqual({
      from: '2026-03-01T16:00:00.000Z',
      to: '2026-03-02T16:00:00.000Z',
      required: 5,
      done: 3,
      effective: 1,
      callbackRate: 0.6,
      effectiveRate: 0.2,
    });
    expect(await service.callbackStats('2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z')).toMatchObject({ required: 0, callbackRate: null, effectiveRate: null });
    await expect(service.callbackStats('2026-05-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
