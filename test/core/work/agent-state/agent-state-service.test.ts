import type { AgentStateSnapshot } from '../../../../main/common/channels/work';
import type { CallState, CallSummary } from '../../../../main/common/domain';
import { DEFAULT_SETTINGS } from '../../../../main/core/config/settings';
import { silentLogger } from '../../../../main/core/log/logger';
import { Outbox } from '../../../../main/core/sync/outbox';
import { AgentStateService, type AgentStateSettings } from '../../../../main/core/work/agent-state/agent-state-service';
import { ManualClock } from '../../sync/helpers/manual-clock';
import { openTempStore, type TempStore } from '../../store/temp-store';

function call(id: string, state: CallState): CallSummary {
  return {
    id,
    direction: 'inbound',
    state,
    remote: { number: '13800138000', e164: '+8613800138000', displayName: '', withheld: false },
    dialled: '95598',
    card: null,
    ringAt: '2026-03-02T08:00:00.000Z',
    answerAt: null,
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
  };
}

describe('AgentStateService', () => {
  let store: TempStore;
  let clock: ManualClock;
  let settings: AgentStateSettings;
  let changes: AgentStateSnapshot[];
  let service: AgentStateService;

  const make = () =>
    new AgentStateService({
      db: store.db,
      outbox: new Outbox(store.db, { now: () => new Date(clock.now()) }),
      log: silentLogger,
      clock,
      settings: () => settings,
      agentId: () => '8001',
      onChange: (snapshot) => changes.push(snapshot),
    });
  const settle = async () => {
    // Rows are written through a queue; a setState round trip waits for everything before it.
    await new Promise((resolve) => setImmediate(resolve));
    await service.settled();
  };
  const logRows = () => store.db.all<{ state: string; reason: string | null; call_id: string | null; at: string }>('SELECT state, reason, call_id, at FROM agent_state_log ORDER BY id');
  const outboxRows = () => store.db.all<{ kind: string; payload: string }>('SELECT kind, payload FROM outbox ORDER BY id');

  beforeEach(async () => {
    store = await openTempStore();
    clock = new ManualClock(Date.parse('2026-03-02T01:00:00.000Z'));
    settings = {
      notReadyReasons: DEFAULT_SETTINGS.notReadyReasons,
      wrapUp: { enabled: false, autoReadyAfterSeconds: null, dispositionRequired: false },
      autoLogin: 'ready',
    };
    changes = [];
    service = make();
    await service.open();
  });
  afterEach(async () => {
    await service.close();
    await store.dispose();
  });

  it('starts logged out and refuses calls; logging in is stored with its time together with an outbox row', async () => {
    expect(service.current.state).toBe('logged_out');
    expect(service.acceptsInbound()).toBe(false);
    await clock.advance(60_000, settle);
    const snapshot = await service.setState('ready');
    expect(snapshot).toMatchObject({ state: 'ready', reason: null, since: '2026-03-02T01:01:00.000Z', callId: null });
    expect(service.acceptsInbound()).toBe(true);
    await service.setState('not_ready', 'lunch');
    expect(service.acceptsInbound()).toBe(false);
    expect(await logRows()).toEqual([
      { state: 'ready', reason: null, call_id: null, at: '2026-03-02T01:01:00.000Z' },
      { state: 'not_ready', reason: 'lunch', call_id: null, at: '2026-03-02T01:01:00.000Z' },
    ]);
    const outbox = await outboxRows();
    expect(outbox.map((row) => row.kind)).toEqual(['agent_state', 'agent_state']);
    expect(JSON.parse(outbox[1]!.payload)).toMatchObject({ agent: '8001', state: 'not_ready', reason: 'lunch', at: '2026-03-02T01:01:00.000Z' });
    expect(changes.map((c) => c.state)).toEqual(['ready', 'not_ready']);
  });

  it('refuses not ready without a reason or with one the center does not list, and a reason on ready', async () => {
    await expect(service.setState('not_ready')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(service.setState('not_ready', 'nap')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('break, lunch') });
    await expect(service.setState('ready', 'lunch')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await logRows()).toEqual([]);
  });

  it('follows the calls: ringing, on call, then back to what the agent had chosen (no wrap-up configured)', async () => {
    await service.setState('ready');
    service.callsChanged([call('c1', 'ringing')]);
    expect(service.current).toMatchObject({ state: 'ringing', callId: 'c1' });
    service.callsChanged([call('c1', 'active')]);
    service.callsChanged([call('c1', 'held')]);
    expect(service.current).toMatchObject({ state: 'on_call', callId: 'c1' });
    service.callsChanged([]);
    expect(service.current.state).toBe('ready');
    await settle();
    expect((await logRows()).map((r) => [r.state, r.call_id])).toEqual([
      ['ready', null],
      ['ringing', 'c1'],
      ['on_call', 'c1'],
      ['ready', null],
    ]);
  });

  it('keeps a choice made during a call for after it, and a missed call returns to the choice', async () => {
    await service.setState('ready');
    service.callsChanged([call('c1', 'ringing')]);
    const during = await service.setState('not_ready', 'break');
    expect(during).toMatchObject({ state: 'ringing', afterCall: { state: 'not_ready', reason: 'break' } });
    service.callsChanged([]);
    expect(service.current).toMatchObject({ state: 'not_ready', reason: 'break', afterCall: null });
  });

  it('wrap-up after an answered call: refuses calls, needs the disposition, then returns to ready after N s by itself', async () => {
    settings.wrapUp = { enabled: true, autoReadyAfterSeconds: 30, dispositionRequired: true };
    await service.setState('ready');
    service.callsChanged([call('c1', 'active')]);
    service.callsChanged([]);
    expect(service.current).toMatchObject({ state: 'wrap_up', callId: 'c1', dispositionMissing: true, wrapUpEndsAt: '2026-03-02T01:00:30.000Z' });
    expect(service.acceptsInbound()).toBe(false);
    await expect(service.setState('ready')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('disposition') });
    // Time is up but the disposition is missing: the agent stays in wrap-up until it is saved.
    await clock.advance(31_000, settle);
    expect(service.current.state).toBe('wrap_up');
    await service.dispositionSaved('other-call');
    expect(service.current.state).toBe('wrap_up');
    await service.dispositionSaved('c1');
    expect(service.current).toMatchObject({ state: 'ready', since: '2026-03-02T01:00:31.000Z' });
  });

  it('a disposition saved while the call is up counts for its wrap-up', async () => {
    settings.wrapUp = { enabled: true, autoReadyAfterSeconds: null, dispositionRequired: true };
    await service.setState('ready');
    service.callsChanged([call('c1', 'active')]);
    await service.dispositionSaved('c1');
    service.callsChanged([]);
    expect(service.current).toMatchObject({ state: 'wrap_up', dispositionMissing: false, wrapUpEndsAt: null });
    await service.setState('ready');
    // The next call's wrap-up needs its own.
    service.callsChanged([call('c2', 'active')]);
    service.callsChanged([]);
    expect(service.current).toMatchObject({ state: 'wrap_up', callId: 'c2', dispositionMissing: true });
  });

  it('wrap-up without a required disposition returns to ready at the timer, or when the agent chooses', async () => {
    settings.wrapUp = { enabled: true, autoReadyAfterSeconds: 20, dispositionRequired: false };
    await service.setState('ready');
    service.callsChanged([call('c1', 'active')]);
    service.callsChanged([]);
    await clock.advance(19_999, settle);
    expect(service.current.state).toBe('wrap_up');
    await clock.advance(1, settle);
    expect(service.current).toMatchObject({ state: 'ready', since: '2026-03-02T01:00:20.000Z' });

    service.callsChanged([call('c2', 'active')]);
    service.callsChanged([]);
    await service.setState('not_ready', 'training');
    expect(service.current.state).toBe('not_ready');
    // The first wrap-up's timer is gone with it: nothing moves the agent later.
    await clock.advance(60_000, settle);
    expect(service.current).toMatchObject({ state: 'not_ready', reason: 'training' });
  });

  it('logs in once when the line first registers (autoLogin), not again after the agent logged out', async () => {
    settings.autoLogin = 'not_ready';
    service.lineOnline();
    expect(service.current).toMatchObject({ state: 'not_ready', reason: 'break' });
    await service.setState('logged_out');
    service.lineOnline();
    expect(service.current.state).toBe('logged_out');
  });

  it('logs out on close, and a run that died logged in is closed by a restart row at the next open', async () => {
    await service.setState('ready');
    await service.close();
    expect((await logRows()).map((r) => [r.state, r.reason])).toEqual([
      ['ready', null],
      ['logged_out', 'app_closed'],
    ]);
    await service.setState('ready').catch(() => undefined);
    await store.db.run("INSERT INTO agent_state_log (agent, state, reason, at, at_ms) VALUES ('8001', 'ready', NULL, 't', 0)");
    service = make();
    await service.open();
    expect((await logRows()).at(-1)).toMatchObject({ state: 'logged_out', reason: 'restart' });
  });
});
