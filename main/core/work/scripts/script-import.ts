import { stringify } from 'yaml';
import type { z } from 'zod';
import { SCRIPT_PROBLEM_CODES } from '../../../common/channels/work';
import { ScriptSchema, successors, type Script, type ScriptStep } from './script-model';
import { ScriptSource, type PathSegment, type ScriptFormat, type SourcePosition } from './script-source';
import { normaliseDialled } from './script-selection';
import { parseTemplate } from './script-text';

export type { ScriptFormat } from './script-source';

// The codes are part of the contract (the window names each one), so they live in main/common.
export { SCRIPT_PROBLEM_CODES };

export type ScriptProblemCode = (typeof SCRIPT_PROBLEM_CODES)[number];

export interface ScriptProblem {
  severity: 'error' | 'warning';
  code: ScriptProblemCode;
  /** 1-based line and column in the imported text. */
  line: number;
  column: number;
  /** Where in the script, e.g. steps[3].options[1].next; empty for the whole file. */
  path: string;
  /** The verbatim part (an id, a variable); may be empty. */
  detail: string;
  /** The whole reason in English, without the position (see `formatProblem`). */
  reason: string;
}

export type ScriptImportResult =
  | { ok: true; script: Script; format: ScriptFormat; warnings: ScriptProblem[] }
  | { ok: false; format: ScriptFormat; errors: ScriptProblem[]; warnings: ScriptProblem[] };

export const MAX_SCRIPT_BYTES = 1024 * 1024;

/** "报修热线.yaml:12:11: error: …", the way compilers print it (and editors jump to it). */
export function formatProblem(problem: ScriptProblem, fileName = 'script'): string {
  return `${fileName}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.reason}`;
}

/** By extension when there is one, else by the first character (JSON starts with "{"). */
export function detectScriptFormat(text: string, fileName?: string): ScriptFormat {
  const extension = fileName?.toLowerCase().match(/\.(ya?ml|json)$/)?.[1];
  if (extension) return extension === 'json' ? 'json' : 'yaml';
  return text.replace(/^\ufeff/, '').trimStart().startsWith('{') ? 'json' : 'yaml';
}

/**
 * Reads a script file and checks it whole. A file with any error is refused — every
 * error listed, each with its line, column and reason — so an agent never follows a
 * script that dead-ends or loops. Warnings (an unreachable step, an unused snippet) do
 * not stop the import.
 */
export interface ScriptImportOptions {
  format?: ScriptFormat;
  fileName?: string;
  /**
   * The scripts already in the library. One that claims a dialled number, a queue or the
   * default that this script claims too is a conflict (a script with the same id is the
   * one being replaced, and does not count).
   */
  library?: readonly Script[];
}

export function importScript(text: string, options: ScriptImportOptions = {}): ScriptImportResult {
  const format = options.format ?? detectScriptFormat(text, options.fileName);
  if (Buffer.byteLength(text) > MAX_SCRIPT_BYTES) {
    return { ok: false, format, warnings: [], errors: [problem('error', 'too_large', { line: 1, column: 1 }, [], '', `the file is over ${MAX_SCRIPT_BYTES} bytes`)] };
  }
  const parsed = ScriptSource.parse(text, format);
  if ('syntax' in parsed) {
    const errors = parsed.syntax.map((s) => problem('error', 'syntax', s, [], '', `not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${s.reason}`));
    return { ok: false, format, errors, warnings: [] };
  }
  const { source } = parsed;
  const schema = ScriptSchema.safeParse(source.value);
  if (!schema.success) {
    return { ok: false, format, errors: schemaProblems(source, schema.error.issues), warnings: [] };
  }
  const found = checkScript(schema.data, source, (options.library ?? []).filter((other) => other.id !== schema.data.id));
  const errors = found.filter((p) => p.severity === 'error');
  const warnings = found.filter((p) => p.severity === 'warning');
  return errors.length > 0 ? { ok: false, format, errors, warnings } : { ok: true, script: schema.data, format, warnings };
}

/**
 * The script as a file again. Re-importing the result gives an equal script (the
 * round-trip test holds us to it). Empty `objections` lists are left out; everything
 * else is written, defaults included, so the file says what the engine will do.
 */
export function exportScript(script: Script, format: ScriptFormat): string {
  const plain = canonical(script);
  // lineWidth 0: long sentences stay on one line instead of being folded mid-phrase.
  return format === 'json' ? `${JSON.stringify(plain, null, 2)}\n` : stringify(plain, { lineWidth: 0 });
}

function canonical(script: Script): Record<string, unknown> {
  const steps = script.steps.map((step) => {
    if (step.type === 'end') return { ...step };
    const { objections, ...rest } = step;
    return objections.length > 0 ? { ...rest, objections } : rest;
  });
  const out: Record<string, unknown> = { id: script.id, name: script.name, version: script.version };
  if (script.description !== undefined) out.description = script.description;
  out.chosenBy = script.chosenBy;
  if (script.start !== undefined) out.start = script.start;
  if (script.snippets.length > 0) out.snippets = script.snippets;
  out.steps = steps;
  return out;
}

// ---- checks beyond the schema ----

function checkScript(script: Script, source: ScriptSource, others: readonly Script[]): ScriptProblem[] {
  const found: ScriptProblem[] = [];
  const add = (severity: ScriptProblem['severity'], code: ScriptProblemCode, path: PathSegment[], detail: string, reason: string, at?: SourcePosition) =>
    found.push(problem(severity, code, at ?? source.position(path), path, detail, reason));

  // Ids: the first occurrence wins, every later one is an error at its own line.
  const stepIndex = new Map<string, number>();
  script.steps.forEach((step, i) => {
    const first = stepIndex.get(step.id);
    if (first === undefined) stepIndex.set(step.id, i);
    else add('error', 'duplicate_id', ['steps', i, 'id'], step.id, `duplicate step id "${step.id}" (first used on line ${source.position(['steps', first, 'id']).line})`);
    if (step.type === 'question') {
      const seen = new Map<string, number>();
      step.options.forEach((option, j) => {
        const earlier = seen.get(option.id);
        if (earlier === undefined) seen.set(option.id, j);
        else {
          add('error', 'duplicate_id', ['steps', i, 'options', j, 'id'], option.id,
            `step "${step.id}" has two answers with id "${option.id}" (first on line ${source.position(['steps', i, 'options', earlier, 'id']).line})`);
        }
      });
    }
  });
  const snippetIndex = new Map<string, number>();
  script.snippets.forEach((snippet, i) => {
    const first = snippetIndex.get(snippet.id);
    if (first === undefined) snippetIndex.set(snippet.id, i);
    else add('error', 'duplicate_id', ['snippets', i, 'id'], snippet.id, `duplicate snippet id "${snippet.id}" (first used on line ${source.position(['snippets', first, 'id']).line})`);
  });

  // Branch targets and snippet references.
  if (script.start !== undefined && !stepIndex.has(script.start)) {
    add('error', 'missing_target', ['start'], script.start, `start names step "${script.start}", which is not a step in this script`);
  }
  const edges = edgesOf(script);
  for (const edge of edges) {
    if (!stepIndex.has(edge.to)) {
      add('error', 'missing_target', edge.path, edge.to, `${edge.describe} branches to "${edge.to}", which is not a step in this script`);
    }
  }
  const offered = new Set<string>();
  script.steps.forEach((step, i) => {
    if (step.type === 'end') return;
    step.objections.forEach((id, j) => {
      offered.add(id);
      if (!snippetIndex.has(id)) add('error', 'missing_snippet', ['steps', i, 'objections', j], id, `step "${step.id}" offers snippet "${id}", which is not in snippets`);
    });
  });

  // Cycles: every back edge of a depth-first walk closes one; reported where it is written.
  for (const cycle of findCycles(script, stepIndex, edges)) {
    const loop = [...cycle.steps, cycle.steps[0]].join(' → ');
    add('error', 'cycle', cycle.edge.path, cycle.edge.to,
      `${cycle.edge.describe} branches back to "${cycle.edge.to}", closing the cycle ${loop}; steps may not loop (the agent asks again with the panel's "repeat")`);
  }

  // Reachability from the start (warnings: the script still works, but someone forgot something).
  const start = script.start !== undefined && stepIndex.has(script.start) ? script.start : script.steps[0]!.id;
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const step = script.steps[stepIndex.get(id)!]!;
    for (const next of successors(step)) {
      if (stepIndex.has(next) && !reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  script.steps.forEach((step, i) => {
    if (!reached.has(step.id) && stepIndex.get(step.id) === i) {
      add('warning', 'unreachable', ['steps', i, 'id'], step.id, `step "${step.id}" cannot be reached from the start step "${start}"`);
    }
  });
  script.snippets.forEach((snippet, i) => {
    if (!offered.has(snippet.id) && snippetIndex.get(snippet.id) === i) {
      add('warning', 'unused_snippet', ['snippets', i, 'id'], snippet.id, `snippet "${snippet.id}" is not offered on any step`);
    }
  });

  // Routing: which call gets which script must not depend on the order scripts were loaded in.
  script.chosenBy.numbers.forEach((number, i) => {
    const other = others.find((candidate) => candidate.chosenBy.numbers.some((claimed) => normaliseDialled(claimed) === normaliseDialled(number)));
    if (other) add('error', 'choice_conflict', ['chosenBy', 'numbers', i], number, `dialled number ${number} already chooses script "${other.id}" (${other.name})`);
  });
  script.chosenBy.queues.forEach((queue, i) => {
    const other = others.find((candidate) => candidate.chosenBy.queues.includes(queue));
    if (other) add('error', 'choice_conflict', ['chosenBy', 'queues', i], queue, `queue ${queue} already chooses script "${other.id}" (${other.name})`);
  });
  const otherDefault = script.chosenBy.default ? others.find((candidate) => candidate.chosenBy.default) : undefined;
  if (otherDefault) add('error', 'choice_conflict', ['chosenBy', 'default'], '', `script "${otherDefault.id}" (${otherDefault.name}) is already the default`);

  // Variables in every text the agent sees.
  for (const { path, text } of textsOf(script)) {
    const { parts, problems } = parseTemplate(text);
    const at = (index: number, length: number) => {
      const { needle, occurrence } = needleAt(text, index, length);
      return source.positionInString(path, needle, occurrence);
    };
    for (const p of problems) add('error', p.code, path, p.raw, p.reason, at(p.index, p.raw.length));
    for (const part of parts) {
      if (part.kind === 'variable' && part.name.startsWith('customer.') && part.fallback === null && problems.every((p) => p.index !== part.index)) {
        add('warning', 'no_fallback', path, part.raw,
          `${part.raw} has no fallback, so it reads as a gap when the caller is not known; write {${part.name}|…}`,
          at(part.index, part.raw.length));
      }
    }
  }

  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * What to look for in the source to find `text[index]`: the placeholder with a little
 * of what follows (so a lone "{" is told apart from the "{" of a good placeholder), and
 * how many times that appears earlier in the value.
 */
function needleAt(text: string, index: number, length: number): { needle: string; occurrence: number } {
  const needle = text.slice(index, index + Math.max(length, 16)).split('\n')[0]!;
  let occurrence = 0;
  for (let from = text.indexOf(needle); from >= 0 && from < index; from = text.indexOf(needle, from + needle.length)) occurrence += 1;
  return { needle, occurrence };
}

interface Edge {
  from: string;
  to: string;
  path: PathSegment[];
  describe: string;
}

function edgesOf(script: Script): Edge[] {
  const edges: Edge[] = [];
  script.steps.forEach((step: ScriptStep, i) => {
    if (step.type === 'say') edges.push({ from: step.id, to: step.next, path: ['steps', i, 'next'], describe: `step "${step.id}"` });
    if (step.type === 'question') {
      step.options.forEach((option, j) =>
        edges.push({ from: step.id, to: option.next, path: ['steps', i, 'options', j, 'next'], describe: `step "${step.id}" answer "${option.id}"` }),
      );
    }
  });
  return edges;
}

function findCycles(script: Script, stepIndex: Map<string, number>, edges: Edge[]): Array<{ edge: Edge; steps: string[] }> {
  const outgoing = new Map<string, Edge[]>();
  for (const edge of edges) if (stepIndex.has(edge.to)) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: Array<{ edge: Edge; steps: string[] }> = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    for (const edge of outgoing.get(id) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'open') cycles.push({ edge, steps: stack.slice(stack.indexOf(edge.to)) });
      else if (seen === undefined) visit(edge.to);
    }
    stack.pop();
    state.set(id, 'done');
  };
  // Recursion depth is bounded by the schema's 500 steps.
  for (const step of script.steps) if (!state.has(step.id)) visit(step.id);
  return cycles;
}

function textsOf(script: Script): Array<{ path: PathSegment[]; text: string }> {
  const texts: Array<{ path: PathSegment[]; text: string }> = [];
  script.snippets.forEach((snippet, i) => {
    texts.push({ path: ['snippets', i, 'title'], text: snippet.title });
    texts.push({ path: ['snippets', i, 'text'], text: snippet.text });
  });
  script.steps.forEach((step, i) => {
    if (step.text !== undefined) texts.push({ path: ['steps', i, 'text'], text: step.text });
    if (step.type === 'question') step.options.forEach((option, j) => texts.push({ path: ['steps', i, 'options', j, 'label'], text: option.label }));
  });
  return texts;
}

// ---- schema problems ----

function schemaProblems(source: ScriptSource, issues: readonly z.core.$ZodIssue[]): ScriptProblem[] {
  const found: ScriptProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        found.push(problem('error', 'schema', source.keyPosition(path, key), [...path, key], key, `${describePath(path)}: unknown key "${key}"`));
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_union' && 'discriminator' in issue) message = 'type must be say, question or end';
    else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) message = `required (${issue.expected})`;
    found.push(problem('error', 'schema', source.position(path), path, '', `${describePath(path)}: ${message}`));
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

function problem(
  severity: ScriptProblem['severity'],
  code: ScriptProblemCode,
  at: SourcePosition,
  path: readonly PathSegment[],
  detail: string,
  reason: string,
): ScriptProblem {
  return { severity, code, line: at.line, column: at.column, path: describePath(path), detail, reason };
}

function describePath(path: readonly PathSegment[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('') || '(file)';
}
