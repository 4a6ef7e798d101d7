import { ScriptRun, type ScriptContext } from '../../../../main/core/work/scripts/script-engine';
import { importScript } from '../../../../main/core/work/scripts/script-import';
import type { Script } from '../../../../main/core/work/scripts/script-model';
import { fixture } from './fixtures';

describe('following a script', () => {
  let script: Script;
  let time: number;
  const now = () => new Date(time);
  const context: ScriptContext = {
    customer: { name: '王建国', tier: '金卡', number: '138 0013 8000' },
    agent: { name: '李娜', extension: '8001' },
    call: { dialled: '95598', queue: 'repair' },
  };

  beforeAll(() => {
    const result = importScript(fixture('repair-hotline.yaml'));
    if (!result.ok) throw new Error('fixture refused');
    script = result.script;
  });
  beforeEach(() => {
    time = Date.parse('2026-03-02T08:00:00.000Z');
  });
  const tick = () => (time += 1000);

  it('starts at the first step with the caller’s and the agent’s names filled in', () => {
    const run = ScriptRun.start(script, context, { now });
    expect(run.current).toMatchObject({
      scriptId: 'repair-hotline',
      stepId: 'greet',
      type: 'say',
      text: '您好，王建国，这里是供电服务热线，我是李娜，很高兴为您服务。',
      options: [],
      final: false,
      canGoBack: false,
    });
    expect(run.current.parts).toEqual([
      { kind: 'text', text: '您好，' },
      { kind: 'variable', name: 'customer.name', value: '王建国', missing: false },
      { kind: 'text', text: '，这里是供电服务热线，我是' },
      { kind: 'variable', name: 'agent.name', value: '李娜', missing: false },
      { kind: 'text', text: '，很高兴为您服务。' },
    ]);
  });

  it('follows the 停电 branch to the dispatch and records the path taken', () => {
    const run = ScriptRun.start(script, context, { now });
    tick();
    expect(run.continue('greet')).toMatchObject({ stepId: 'confirm-address', type: 'question', options: [{ id: 'same', label: '是的' }, { id: 'other', label: '不是，另有地址' }] });
    tick();
    const faultType = run.answer('confirm-address', 'same');
    expect(faultType).toMatchObject({ stepId: 'fault-type', canGoBack: true, objections: [{ id: 'unhappy', title: '客户不满意' }] });
    expect(faultType.options.map((option) => option.label)).toEqual(['停电', '电压不稳', '其他']);
    tick();
    expect(run.answer('fault-type', 'outage')).toMatchObject({ stepId: 'outage-scope' });
    tick();
    expect(run.answer('outage-scope', 'home')).toMatchObject({ stepId: 'check-breaker' });
    tick();
    expect(run.answer('check-breaker', 'not-tripped')).toMatchObject({ stepId: 'dispatch', type: 'say' });
    tick();
    const end = run.continue('dispatch');
    expect(end).toMatchObject({ stepId: 'end-dispatched', type: 'end', final: true, outcome: '已派单', text: '感谢您的来电，李娜祝您生活愉快，再见！', canGoBack: false });
    expect(run.ended).toBe(true);

    const path = run.path();
    expect(path).toMatchObject({
      scriptId: 'repair-hotline',
      scriptName: '报修热线',
      scriptVersion: 3,
      startedAt: '2026-03-02T08:00:00.000Z',
      endedAt: '2026-03-02T08:00:06.000Z',
      steps: ['greet', 'confirm-address', 'fault-type', 'outage-scope', 'check-breaker', 'dispatch', 'end-dispatched'],
      answers: [
        { stepId: 'confirm-address', optionId: 'same', label: '是的' },
        { stepId: 'fault-type', optionId: 'outage', label: '停电' },
        { stepId: 'outage-scope', optionId: 'home', label: '只有我家' },
        { stepId: 'check-breaker', optionId: 'not-tripped', label: '没有跳闸或合不上' },
      ],
      endStepId: 'end-dispatched',
      outcome: '已派单',
    });
    expect(path.entries.map((entry) => entry.kind)).toEqual(['start', 'continue', 'answer', 'answer', 'answer', 'answer', 'continue', 'end']);
    expect(path.entries[3]).toEqual({ at: '2026-03-02T08:00:03.000Z', kind: 'answer', stepId: 'fault-type', optionId: 'outage', label: '停电', to: 'outage-scope' });
    // The path is a copy: it does not change under the caller's feet, and survives JSON.
    expect(JSON.parse(JSON.stringify(path))).toEqual(path);
  });

  it('takes the 电压不稳 and 其他 branches to their own steps', () => {
    const voltage = ScriptRun.start(script, context, { now });
    voltage.continue('greet');
    voltage.answer('confirm-address', 'same');
    expect(voltage.answer('fault-type', 'voltage')).toMatchObject({ stepId: 'voltage-symptom' });
    expect(voltage.answer('voltage-symptom', 'appliance')).toMatchObject({ stepId: 'safety-warning' });
    const other = ScriptRun.start(script, context, { now });
    other.continue('greet');
    other.answer('confirm-address', 'other');
    expect(other.continue('take-address')).toMatchObject({ stepId: 'fault-type' });
    expect(other.answer('fault-type', 'other')).toMatchObject({ stepId: 'other-describe', objections: [{ id: 'unhappy' }] });
  });

  it('uses the fallbacks for a caller nobody knows, and marks the values as missing', () => {
    const run = ScriptRun.start(script, { agent: { name: '李娜' } }, { now });
    expect(run.current.text).toBe('您好，先生/女士，这里是供电服务热线，我是李娜，很高兴为您服务。');
    expect(run.current.parts[1]).toEqual({ kind: 'variable', name: 'customer.name', value: '先生/女士', missing: true });
  });

  it('keeps caller-supplied text plain: no markup, no bidi tricks, no line breaks, no second expansion', () => {
    const hostile = '<img src=x onerror=alert(1)>\u202e{agent.name}\n\u0007先生';
    const run = ScriptRun.start(script, { customer: { name: hostile }, agent: { name: '李娜' } }, { now });
    expect(run.current.text).toBe('您好，<img src=x onerror=alert(1)> {agent.name} 先生，这里是供电服务热线，我是李娜，很高兴为您服务。');
    expect(run.current.parts[1]).toMatchObject({ value: '<img src=x onerror=alert(1)> {agent.name} 先生' });
    const long = ScriptRun.start(script, { customer: { name: '长'.repeat(500) } }, { now });
    expect((long.current.parts[1] as { value: string }).value).toHaveLength(128);
  });

  it('offers objection snippets filled in, records them, and stays on the step', () => {
    const run = ScriptRun.start(script, context, { now });
    run.continue('greet');
    run.answer('confirm-address', 'same');
    const snippet = run.objection('fault-type', 'compensation');
    expect(snippet).toMatchObject({
      snippetId: 'compensation',
      title: '要求赔偿',
      text: '作为金卡客户，您的诉求我们非常重视。赔偿需要供电所核实后答复，我先为您登记，三个工作日内会有专人与您联系。',
    });
    expect(run.current.stepId).toBe('fault-type');
    expect(run.path().entries.at(-1)).toMatchObject({ kind: 'objection', stepId: 'fault-type', snippetId: 'compensation', title: '要求赔偿' });
    expect(() => run.objection('fault-type', 'nosuch')).toThrow(/no snippet "nosuch"/);
  });

  it('repeats a step and goes back one, taking the answer back', () => {
    const run = ScriptRun.start(script, context, { now });
    run.continue('greet');
    run.answer('confirm-address', 'same');
    expect(run.repeat('fault-type').stepId).toBe('fault-type');
    run.answer('fault-type', 'voltage');
    expect(run.back('voltage-symptom')).toMatchObject({ stepId: 'fault-type', canGoBack: true });
    run.answer('fault-type', 'outage');
    const path = run.path();
    expect(path.steps).toEqual(['greet', 'confirm-address', 'fault-type', 'outage-scope']);
    expect(path.answers.map((answer) => answer.optionId)).toEqual(['same', 'outage']);
    expect(path.entries.map((entry) => entry.kind)).toEqual(['start', 'continue', 'answer', 'repeat', 'answer', 'back', 'answer']);
    const first = ScriptRun.start(script, context, { now });
    expect(() => first.back('greet')).toThrow(/first step/);
  });

  it('refuses a click on a step that is no longer current (a double click), the wrong kind of move, an unknown answer, and anything after the end', () => {
    const run = ScriptRun.start(script, context, { now });
    run.continue('greet');
    expect(() => run.continue('greet')).toThrow(expect.objectContaining({ code: 'invalid_input', message: 'Step "greet" is not the current step ("confirm-address")' }));
    expect(() => run.continue('confirm-address')).toThrow(/not a say step; answer it/);
    expect(() => run.answer('confirm-address', 'maybe')).toThrow(/has no answer "maybe"/);
    run.answer('confirm-address', 'same');
    run.answer('fault-type', 'outage');
    run.answer('outage-scope', 'home');
    run.answer('check-breaker', 'tripped');
    expect(run.current).toMatchObject({ stepId: 'end-self-fixed', outcome: '客户自行恢复', final: true });
    expect(() => run.repeat('end-self-fixed')).toThrow(/has ended/);
    expect(run.path().steps).toHaveLength(6);
  });
});
