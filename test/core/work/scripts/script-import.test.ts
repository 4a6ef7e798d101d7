import { detectScriptFormat, exportScript, formatProblem, importScript, type ScriptImportResult } from '../../../../main/core/work/scripts/script-import';
import type { Script } from '../../../../main/core/work/scripts/script-model';
import { fixture } from './fixtures';

function refused(result: ScriptImportResult) {
  if (result.ok) throw new Error('expected the script to be refused');
  return result;
}
function accepted(result: ScriptImportResult) {
  if (!result.ok) throw new Error(`expected the script to be accepted: ${result.errors.map((p) => formatProblem(p)).join('; ')}`);
  return result;
}
const pick = (problems: Array<{ code: string; line: number; column: number; reason: string }>) =>
  problems.map(({ code, line, column, reason }) => ({ code, line, column, reason }));

describe('importing a script', () => {
  it('accepts the repair hotline (报修热线) with its branches, snippets and routing, without warnings', () => {
    const { script, warnings, format } = accepted(importScript(fixture('repair-hotline.yaml'), { fileName: '报修热线.yaml' }));
    expect(format).toBe('yaml');
    expect(warnings).toEqual([]);
    expect(script).toMatchObject({ id: 'repair-hotline', name: '报修热线', version: 3, chosenBy: { numbers: ['95598', '+86 10 9559 8000'], queues: ['repair'], default: false } });
    expect(script.snippets.map((s) => s.title)).toEqual(['客户不满意', '嫌处理太慢', '要求赔偿']);
    const faultType = script.steps.find((step) => step.id === 'fault-type');
    expect(faultType).toMatchObject({ type: 'question', options: [{ label: '停电' }, { label: '电压不稳' }, { label: '其他' }], objections: ['unhappy'] });
  });

  it('refuses a cycle with the line and column of the branch that closes it', () => {
    const result = refused(importScript(fixture('cycle.yaml'), { fileName: 'cycle.yaml' }));
    expect(pick(result.errors)).toEqual([
      {
        code: 'cycle',
        line: 17,
        column: 43,
        reason:
          'step "confirm" answer "again" branches back to "fault-type", closing the cycle fault-type → confirm → fault-type; steps may not loop (the agent asks again with the panel\'s "repeat")',
      },
    ]);
    expect(formatProblem(result.errors[0]!, 'cycle.yaml')).toMatch(/^cycle\.yaml:17:43: error: step "confirm"/);
  });

  it('refuses a branch to a step that does not exist, with its line in the JSON file, and warns of the step left unreachable', () => {
    const result = refused(importScript(fixture('missing-target.json'), { fileName: 'missing-target.json' }));
    expect(result.format).toBe('json');
    expect(pick(result.errors)).toEqual([
      { code: 'missing_target', line: 11, column: 50, reason: 'step "fault-type" answer "outage" branches to "outage-scope", which is not a step in this script' },
    ]);
    expect(result.errors[0]).toMatchObject({ path: 'steps[0].options[0].next', detail: 'outage-scope' });
    expect(pick(result.warnings)).toEqual([
      { code: 'unreachable', line: 17, column: 13, reason: 'step "outage-scop" cannot be reached from the start step "fault-type"' },
    ]);
  });

  it('refuses unknown variables with the line and column of each placeholder, also inside a block scalar', () => {
    const result = refused(importScript(fixture('unknown-variable.yaml'), { fileName: 'unknown-variable.yaml' }));
    expect(result.errors.map(({ code, line, column, detail }) => ({ code, line, column, detail }))).toEqual([
      { code: 'unknown_variable', line: 7, column: 14, detail: '{customer.nmae|先生/女士}' },
      { code: 'unknown_variable', line: 13, column: 8, detail: '{客户等级}' },
    ]);
    expect(result.errors[0]!.reason).toMatch(/^unknown variable "customer\.nmae" in \{customer\.nmae\|先生\/女士\}; known: customer\.name, /);
  });

  it('refuses a duplicate step id at the second one, naming the line of the first', () => {
    const text = [
      'id: dup',
      'name: 重复',
      'steps:',
      '  - { id: a, type: say, text: 一, next: b }',
      '  - { id: b, type: end }',
      '  - { id: a, type: end }',
      '',
    ].join('\n');
    expect(pick(refused(importScript(text)).errors)).toEqual([
      { code: 'duplicate_id', line: 6, column: 11, reason: 'duplicate step id "a" (first used on line 4)' },
    ]);
  });

  it('refuses a self-loop, and reports every separate cycle', () => {
    const text = [
      'id: loops',
      'name: 循环',
      'steps:',
      '  - id: ask',
      '    type: question',
      '    text: 问',
      '    options:',
      '      - { id: again, label: 再问, next: ask }',
      '      - { id: on, label: 继续, next: x }',
      '  - { id: x, type: say, text: 一, next: y }',
      '  - { id: y, type: say, text: 二, next: x }',
      '',
    ].join('\n');
    const result = refused(importScript(text));
    expect(result.errors.map(({ code, line, detail }) => ({ code, line, detail }))).toEqual([
      { code: 'cycle', line: 8, detail: 'ask' },
      { code: 'cycle', line: 11, detail: 'x' },
    ]);
    expect(result.errors[1]!.reason).toContain('closing the cycle x → y → x');
  });

  it('refuses a bad schema with the line of each problem: unknown key, missing field, unknown step type, a question without answers', () => {
    const text = [
      'id: bad',
      'name: 坏',
      'stpes: []',
      'steps:',
      '  - id: a',
      '    type: say',
      '    text: 一',
      '  - id: b',
      '    type: ask',
      '  - id: c',
      '    type: question',
      '    text: 问',
      '    options: []',
      '',
    ].join('\n');
    expect(pick(refused(importScript(text)).errors)).toEqual([
      { code: 'schema', line: 3, column: 1, reason: '(file): unknown key "stpes"' },
      { code: 'schema', line: 5, column: 5, reason: 'steps[0].next: required (string)' },
      { code: 'schema', line: 9, column: 11, reason: 'steps[1].type: type must be say, question or end' },
      { code: 'schema', line: 13, column: 14, reason: 'steps[2].options: a question needs at least one answer' },
    ]);
  });

  it('refuses what is not YAML or not JSON, with the position the parser stopped at', () => {
    const yaml = refused(importScript('id: x\nsteps:\n  - id: a\n   type: say\n', { format: 'yaml' }));
    expect(yaml.errors[0]).toMatchObject({ code: 'syntax', line: 4 });
    const json = refused(importScript('{\n  "id": "x",\n  "steps": [],\n}\n', { fileName: 'x.json' }));
    expect(json.errors).toEqual([expect.objectContaining({ code: 'syntax', line: 4, column: 1, reason: expect.stringMatching(/^not valid JSON: /) })]);
    const twice = refused(importScript('{ "id": "x", "id": "y", "name": "n", "steps": [{ "id": "a", "type": "end" }] }', { format: 'json' }));
    expect(twice.errors[0]).toMatchObject({ code: 'syntax', line: 1, reason: expect.stringMatching(/unique/) });
  });

  it('refuses an objection snippet that does not exist and warns of one nobody offers', () => {
    const text = [
      'id: s',
      'name: 片段',
      'snippets:',
      '  - { id: calm, title: 安抚, text: 请别着急。 }',
      '  - { id: spare, title: 备用, text: 备用。 }',
      'steps:',
      '  - { id: a, type: say, text: 一, next: b, objections: [calm, angry] }',
      '  - { id: b, type: end }',
      '',
    ].join('\n');
    const result = refused(importScript(text));
    expect(pick(result.errors)).toEqual([{ code: 'missing_snippet', line: 7, column: 62, reason: 'step "a" offers snippet "angry", which is not in snippets' }]);
    expect(pick(result.warnings)).toEqual([{ code: 'unused_snippet', line: 5, column: 11, reason: 'snippet "spare" is not offered on any step' }]);
  });

  it('reads {{ and }} as literal braces, refuses a lone brace where it is, and warns of a customer variable without a fallback', () => {
    const text = ['id: b', 'name: 括号', 'steps:', '  - { id: a, type: say, text: "{{工单}} {agent.name} {customer.name}", next: b }', '  - { id: b, type: end, text: "结束 {agent.name" }', ''].join('\n');
    const result = refused(importScript(text));
    expect(result.errors.map(({ code, line, column }) => ({ code, line, column }))).toEqual([{ code: 'bad_placeholder', line: 5, column: 35 }]);
    expect(pick(result.warnings)).toEqual([
      { code: 'no_fallback', line: 4, column: 52, reason: '{customer.name} has no fallback, so it reads as a gap when the caller is not known; write {customer.name|…}' },
    ]);
  });

  it('refuses a file over 1 MB before parsing it', () => {
    const result = refused(importScript(`# ${'x'.repeat(1024 * 1024)}\nid: big\n`));
    expect(result.errors).toEqual([expect.objectContaining({ code: 'too_large', line: 1 })]);
  });

  it('tells YAML from JSON by the file name, else by the first character', () => {
    expect(detectScriptFormat('{}', 'a.YAML')).toBe('yaml');
    expect(detectScriptFormat('id: x', 'a.json')).toBe('json');
    expect(detectScriptFormat('\ufeff  {"id": 1}')).toBe('json');
    expect(detectScriptFormat('id: x')).toBe('yaml');
  });
});

describe('exporting a script', () => {
  let original: Script;
  beforeAll(() => {
    original = accepted(importScript(fixture('repair-hotline.yaml'))).script;
  });

  it.each(['yaml', 'json'] as const)('round-trips through %s: export, import again, the same script', (format) => {
    const text = exportScript(original, format);
    const again = accepted(importScript(text, { format }));
    expect(again.script).toEqual(original);
    expect(again.warnings).toEqual([]);
    // And exporting that is byte-for-byte the same file.
    expect(exportScript(again.script, format)).toBe(text);
  });

  it('crosses formats: YAML → JSON → YAML gives the same script, and Chinese text stays readable (not \\u-escaped)', () => {
    const json = exportScript(original, 'json');
    expect(json).toContain('"name": "报修热线"');
    const viaJson = accepted(importScript(json, { fileName: 'x.json' })).script;
    expect(accepted(importScript(exportScript(viaJson, 'yaml'), { fileName: 'x.yaml' })).script).toEqual(original);
    const yaml = exportScript(original, 'yaml');
    expect(yaml).toContain('name: 报修热线');
    // Long sentences stay on one line.
    expect(yaml).toContain('text: 作为{customer.tier|我们的}客户，您的诉求我们非常重视。赔偿需要供电所核实后答复，我先为您登记，三个工作日内会有专人与您联系。');
  });
});
