import { ZuoxiError } from '../../../common/errors';
import { startStepId, type Script, type ScriptStep, type Snippet, type VariableName } from './script-model';
import { fillTemplate, parseTemplate, type FilledPart } from './script-text';

/** Where variable values come from: the caller's card, the agent, the call. Any of it may be unknown. */
export interface ScriptContext {
  customer?: { name?: string | null; company?: string | null; tier?: string | null; number?: string | null } | null;
  agent?: { name?: string | null; extension?: string | null } | null;
  call?: { dialled?: string | null; queue?: string | null } | null;
}

export interface PresentedOption {
  id: string;
  /** Filled, plain text. */
  label: string;
}

/** A step as the panel shows it: every text filled, every value plain text (render as text nodes, never as HTML). */
export interface PresentedStep {
  scriptId: string;
  stepId: string;
  type: ScriptStep['type'];
  /** Empty for an end step without text. */
  text: string;
  parts: FilledPart[];
  /** Answers of a question, in file order; empty otherwise. */
  options: PresentedOption[];
  /** Snippets the script suggests on this step. */
  objections: Array<{ id: string; title: string }>;
  /** An end step's outcome, if it names one. */
  outcome: string | null;
  /** True on an end step: the run is over. */
  final: boolean;
  /** Whether `back()` has somewhere to go. */
  canGoBack: boolean;
}

/** A step already left behind, as the panel's breadcrumbs show it: its filled text and the answer given on it. */
export interface PresentedCrumb {
  stepId: string;
  text: string;
  /** The filled label of the answer given; null when the agent continued from a say step. */
  choice: string | null;
}

export interface PresentedSnippet {
  snippetId: string;
  title: string;
  text: string;
  parts: FilledPart[];
}

/**
 * One thing that happened in a run. `answer` and `continue` leave `stepId` for the step
 * shown next; `objection` and `repeat` stay on it; `back` returns to the step before.
 * Labels are copied in, so a saved path reads the same after the script is edited.
 */
export type ScriptPathEntry =
  | { at: string; kind: 'start'; stepId: string }
  | { at: string; kind: 'continue'; stepId: string; to: string }
  | { at: string; kind: 'answer'; stepId: string; optionId: string; label: string; to: string }
  | { at: string; kind: 'objection'; stepId: string; snippetId: string; title: string }
  | { at: string; kind: 'repeat'; stepId: string }
  | { at: string; kind: 'back'; stepId: string; to: string }
  | { at: string; kind: 'end'; stepId: string; outcome: string | null };

/** What is saved with the call. */
export interface ScriptPath {
  scriptId: string;
  scriptName: string;
  scriptVersion: number;
  startedAt: string;
  endedAt: string | null;
  /** The steps shown, in order, as the agent moved forward (a `back` removes the step left). */
  steps: string[];
  /** The answers given on the way, in order (the ones undone by `back` are not here). */
  answers: Array<{ stepId: string; optionId: string; label: string }>;
  endStepId: string | null;
  outcome: string | null;
  /** Everything, in order, including repeats, objections and backs. */
  entries: ScriptPathEntry[];
}

/**
 * Follows one script through one call. The agent's clicks name the step they were made
 * on, so a double click or a stale panel is refused rather than jumping two steps.
 * The script must have passed `importScript` (no missing targets, no cycles).
 */
export class ScriptRun {
  private readonly steps: Map<string, ScriptStep>;
  private readonly snippets: Map<string, Snippet>;
  private readonly entries: ScriptPathEntry[] = [];
  /** Steps shown, moving forward; `back` pops. The last is the current step. */
  private readonly trail: string[] = [];
  private readonly answers: Array<{ stepId: string; optionId: string; label: string }> = [];
  private endedAt: string | null = null;
  private readonly startedAt: string;

  private constructor(
    readonly script: Script,
    private readonly context: ScriptContext,
    private readonly now: () => Date,
  ) {
    this.steps = new Map(script.steps.map((step) => [step.id, step]));
    this.snippets = new Map(script.snippets.map((snippet) => [snippet.id, snippet]));
    this.startedAt = now().toISOString();
  }

  /** Starts at the script's first step; `run.current` is that step, filled. */
  static start(script: Script, context: ScriptContext, options: { now?: () => Date } = {}): ScriptRun {
    const run = new ScriptRun(script, context, options.now ?? (() => new Date()));
    const first = startStepId(script);
    run.step(first);
    run.trail.push(first);
    run.record({ kind: 'start', stepId: first });
    run.arrive(first);
    return run;
  }

  get current(): PresentedStep {
    return this.present(this.trail.at(-1)!);
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** The agent picked an answer to the question `stepId`. */
  answer(stepId: string, optionId: string): PresentedStep {
    const step = this.expectCurrent(stepId);
    if (step.type !== 'question') throw new ZuoxiError('invalid_input', `Step "${stepId}" is not a question; use continue`);
    const option = step.options.find((candidate) => candidate.id === optionId);
    if (!option) throw new ZuoxiError('invalid_input', `Step "${stepId}" has no answer "${optionId}"`);
    this.record({ kind: 'answer', stepId, optionId, label: option.label, to: option.next });
    this.answers.push({ stepId, optionId, label: option.label });
    return this.moveTo(option.next);
  }

  /** The agent has said a `say` step and moves on. */
  continue(stepId: string): PresentedStep {
    const step = this.expectCurrent(stepId);
    if (step.type !== 'say') throw new ZuoxiError('invalid_input', `Step "${stepId}" is not a say step; ${step.type === 'question' ? 'answer it' : 'the script has ended'}`);
    this.record({ kind: 'continue', stepId, to: step.next });
    return this.moveTo(step.next);
  }

  /** An objection-handling snippet, filled, recorded on the current step; the run stays where it is. */
  objection(stepId: string, snippetId: string): PresentedSnippet {
    this.expectCurrent(stepId);
    const snippet = this.snippets.get(snippetId);
    if (!snippet) throw new ZuoxiError('invalid_input', `The script has no snippet "${snippetId}"`);
    this.record({ kind: 'objection', stepId, snippetId, title: snippet.title });
    const { text, parts } = this.fill(snippet.text);
    return { snippetId, title: this.fill(snippet.title).text, text, parts };
  }

  /** "Could you say that again?": the same step once more, recorded. */
  repeat(stepId: string): PresentedStep {
    this.expectCurrent(stepId);
    this.record({ kind: 'repeat', stepId });
    return this.current;
  }

  /** Back to the step before (a wrong click); the answer given there is taken back. */
  back(stepId: string): PresentedStep {
    this.expectCurrent(stepId);
    if (this.trail.length < 2) throw new ZuoxiError('invalid_input', 'Already at the first step');
    this.trail.pop();
    const to = this.trail.at(-1)!;
    const last = this.answers.at(-1);
    if (last && last.stepId === to) this.answers.pop();
    this.record({ kind: 'back', stepId, to });
    return this.current;
  }

  /**
   * The steps behind the current one, in order, with the answer given on each: what a
   * panel opened mid-run (a reloaded window) shows as the path so far. Reads only.
   */
  crumbs(): PresentedCrumb[] {
    return this.trail.slice(0, -1).map((stepId) => {
      const step = this.step(stepId);
      const answer = this.answers.find((candidate) => candidate.stepId === stepId);
      const option = answer && step.type === 'question' ? step.options.find((candidate) => candidate.id === answer.optionId) : undefined;
      return {
        stepId,
        text: step.text === undefined ? '' : this.fill(step.text).text,
        choice: answer ? (option ? this.fill(option.label).text : answer.label) : null,
      };
    });
  }

  path(): ScriptPath {
    const last = this.trail.at(-1)!;
    const end = this.endedAt !== null ? this.step(last) : null;
    return {
      scriptId: this.script.id,
      scriptName: this.script.name,
      scriptVersion: this.script.version,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      steps: [...this.trail],
      answers: this.answers.map((answer) => ({ ...answer })),
      endStepId: end ? end.id : null,
      outcome: end && end.type === 'end' ? (end.outcome ?? null) : null,
      entries: this.entries.map((entry) => ({ ...entry })),
    };
  }

  private moveTo(id: string): PresentedStep {
    this.step(id);
    this.trail.push(id);
    this.arrive(id);
    return this.current;
  }

  private arrive(id: string): void {
    const step = this.step(id);
    if (step.type === 'end') {
      this.endedAt = this.now().toISOString();
      this.record({ kind: 'end', stepId: id, outcome: step.outcome ?? null });
    }
  }

  private expectCurrent(stepId: string): ScriptStep {
    if (this.endedAt !== null) throw new ZuoxiError('invalid_input', 'The script has ended');
    const current = this.trail.at(-1)!;
    if (stepId !== current) throw new ZuoxiError('invalid_input', `Step "${stepId}" is not the current step ("${current}")`);
    return this.step(current);
  }

  private step(id: string): ScriptStep {
    const step = this.steps.get(id);
    // importScript refuses such a script; reaching this means it was built by hand.
    if (!step) throw new ZuoxiError('invalid_input', `Script ${this.script.id} has no step "${id}"`);
    return step;
  }

  private present(id: string): PresentedStep {
    const step = this.step(id);
    const { text, parts } = step.text === undefined ? { text: '', parts: [] } : this.fill(step.text);
    return {
      scriptId: this.script.id,
      stepId: step.id,
      type: step.type,
      text,
      parts,
      options: step.type === 'question' ? step.options.map((option) => ({ id: option.id, label: this.fill(option.label).text })) : [],
      objections:
        step.type === 'end'
          ? []
          : step.objections.flatMap((snippetId) => {
              const snippet = this.snippets.get(snippetId);
              return snippet ? [{ id: snippet.id, title: this.fill(snippet.title).text }] : [];
            }),
      outcome: step.type === 'end' ? (step.outcome ?? null) : null,
      final: step.type === 'end',
      canGoBack: this.trail.length > 1 && this.endedAt === null,
    };
  }

  private fill(template: string) {
    return fillTemplate(parseTemplate(template).parts, (name) => this.value(name as VariableName));
  }

  private value(name: VariableName): string | null | undefined {
    const { customer, agent, call } = this.context;
    switch (name) {
      case 'customer.name':
        return customer?.name;
      case 'customer.company':
        return customer?.company;
      case 'customer.tier':
        return customer?.tier;
      case 'customer.number':
        return customer?.number;
      case 'agent.name':
        return agent?.name;
      case 'agent.extension':
        return agent?.extension;
      case 'call.dialled':
        return call?.dialled;
      case 'call.queue':
        return call?.queue;
      default:
        return null;
    }
  }

  private record(entry: DistributiveOmit<ScriptPathEntry, 'at'>): void {
    this.entries.push({ at: this.now().toISOString(), ...entry } as ScriptPathEntry);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
