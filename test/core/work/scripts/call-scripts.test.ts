import type { CallSummary } from '../../../../main/common/domain';
import { silentLogger } from '../../../../main/core/log/logger';
import { ScriptRun } from '../../../../main/core/work/scripts/script-engine';
import { ScriptLibrary } from '../../../../main/core/work/scripts/script-library';
import { CallScripts } from '../../../../main/core/work/wrap-up/call-scripts';
import { openTempStore, type TempStore } from '../../store/temp-store';
import { fixture } from './fixtures';

/** The run of each call as a reloaded window finds it: `resume` carries on, never restarts. */
describe('a call’s script run, resumed', () => {
  let store: TempStore;
  let scripts: CallScripts;
  let library: ScriptLibrary;
  let time: number;

  const call = (id: string, dialled: string): CallSummary => ({
    id,
    direction: 'inbound',
    state: 'active',
    remote: { number: '13800138000', e164: '+8613800138000', displayName: '', withheld: false },
    dialled,
    card: null,
    ringAt: '2026-03-02T08:00:00.000Z',
    answerAt: '2026-03-02T08:00:02.000Z',
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
  });
  const calls: Record<string, CallSummary> = { c1: call('c1', '95598'), c2: call('c2', '95598'), other: call('other', '110') };

  beforeEach(async () => {
    store = await openTempStore();
    time = Date.parse('2026-03-02T08:00:05.000Z');
    library = new ScriptLibrary(store.db, silentLogger, () => new Date(time));
    const imported = await library.import(fixture('repair-hotline.yaml'));
    if (!imported.ok) throw new Error('fixture refused');
    scripts = new CallScripts({
      library,
      now: () => new Date((time += 1000)),
      call: (id) => calls[id] ?? null,
      agent: () => ({ name: '李娜', extension: '8001' }),
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.dispose();
  });

  /** Greet, 是的, an objection on fault-type: the run stands on fault-type. */
  async function midCall(callId = 'c1') {
    await scripts.start(callId);
    scripts.continue(callId, 'greet');
    scripts.answer(callId, 'confirm-address', 'same');
    scripts.objection(callId, 'fault-type', 'unhappy');
  }

  it('returns the current step and the path so far, and leaves the path the wrap-up saves as it was', async () => {
    await midCall();
    const before = scripts.path('c1');
    const resumed = await scripts.resume('c1');
    expect(resumed.resumed).toBe(true);
    expect(resumed.step).toMatchObject({ stepId: 'fault-type', type: 'question', canGoBack: true });
    expect(resumed.crumbs).toEqual([
      { stepId: 'greet', text: '您好，先生/女士，这里是供电服务热线，我是李娜，很高兴为您服务。', choice: null },
      { stepId: 'confirm-address', text: '请问故障地址是您登记的地址吗？', choice: '是的' },
    ]);
    expect(scripts.path('c1')).toEqual(before);
    // Asking again (a second reload) changes nothing either.
    expect(await scripts.resume('c1')).toEqual(resumed);
    expect(scripts.path('c1')).toEqual(before);

    // The agent carries on from there: the saved path runs on from the steps before the reload.
    expect(scripts.answer('c1', 'fault-type', 'outage')).toMatchObject({ stepId: 'outage-scope' });
    expect(scripts.path('c1')).toMatchObject({ steps: ['greet', 'confirm-address', 'fault-type', 'outage-scope'], startedAt: before!.startedAt });
    expect(scripts.path('c1')!.entries.map((entry) => entry.kind)).toEqual(['start', 'continue', 'answer', 'objection', 'answer']);
  });

  it('whereas start restarts the run from the first step and drops the path', async () => {
    await midCall();
    expect(await scripts.start('c1')).toMatchObject({ stepId: 'greet' });
    expect(scripts.path('c1')).toMatchObject({ steps: ['greet'], answers: [] });
  });

  it('shows the path as back left it: the answer taken back is gone, the new one is there', async () => {
    await midCall();
    scripts.back('c1', 'fault-type');
    expect((await scripts.resume('c1')).crumbs.map((crumb) => crumb.stepId)).toEqual(['greet']);
    scripts.answer('c1', 'confirm-address', 'other');
    const resumed = await scripts.resume('c1');
    expect(resumed.step.stepId).toBe('take-address');
    expect(resumed.crumbs.map(({ stepId, choice }) => ({ stepId, choice }))).toEqual([
      { stepId: 'greet', choice: null },
      { stepId: 'confirm-address', choice: '不是，另有地址' },
    ]);
  });

  it('returns an ended run at its end step, with the whole way there', async () => {
    await midCall();
    scripts.answer('c1', 'fault-type', 'outage');
    scripts.answer('c1', 'outage-scope', 'home');
    scripts.answer('c1', 'check-breaker', 'tripped');
    const path = scripts.path('c1');
    const resumed = await scripts.resume('c1');
    expect(resumed.step).toMatchObject({ stepId: 'end-self-fixed', final: true, outcome: '客户自行恢复' });
    expect(resumed.crumbs.map((crumb) => crumb.choice)).toEqual([null, '是的', '停电', '只有我家', '跳闸了，合上后已恢复']);
    expect(scripts.path('c1')).toEqual(path);
  });

  it('starts the chosen script once on a call without a run, even when asked twice at once', async () => {
    const starts = jest.spyOn(ScriptRun, 'start');
    const [first, second] = await Promise.all([scripts.resume('c2'), scripts.resume('c2')]);
    expect(starts).toHaveBeenCalledTimes(1);
    expect(first).toMatchObject({ resumed: false, crumbs: [], step: { scriptId: 'repair-hotline', stepId: 'greet' } });
    expect(second.step).toEqual(first.step);
    scripts.continue('c2', 'greet');
    expect(await scripts.resume('c2')).toMatchObject({ resumed: true, step: { stepId: 'confirm-address' } });
    expect(starts).toHaveBeenCalledTimes(1);
  });

  it('carries a call on to its end when its script is removed from the library mid-run; new calls no longer get it', async () => {
    await midCall();
    await library.remove('repair-hotline');
    expect(await library.get('repair-hotline')).toBeNull();
    // The run holds the parsed script: a reload resumes it, and the agent finishes it.
    expect(await scripts.resume('c1')).toMatchObject({ resumed: true, step: { stepId: 'fault-type' } });
    scripts.answer('c1', 'fault-type', 'outage');
    scripts.answer('c1', 'outage-scope', 'home');
    expect(scripts.answer('c1', 'check-breaker', 'tripped')).toMatchObject({ stepId: 'end-self-fixed', final: true });
    expect(scripts.path('c1')).toMatchObject({ scriptId: 'repair-hotline', scriptName: '报修热线', endStepId: 'end-self-fixed', outcome: '客户自行恢复' });
    // A call without a run finds nothing to start, and naming the script is not_found.
    await expect(scripts.resume('c2')).rejects.toMatchObject({ code: 'not_found' });
    await expect(scripts.start('c2', 'repair-hotline')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('says not_found for a call no script is chosen for, and keeps no run for it', async () => {
    await expect(scripts.resume('other')).rejects.toMatchObject({ code: 'not_found' });
    expect(scripts.path('other')).toBeNull();
  });
});
