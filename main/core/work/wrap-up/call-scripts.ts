import type { CallSummary } from '../../../common/domain';
import { ZuoxiError } from '../../../common/errors';
import { ScriptRun, type PresentedCrumb, type PresentedSnippet, type PresentedStep, type ScriptPath } from '../scripts/script-engine';
import type { ScriptLibrary } from '../scripts/script-library';

/** How many calls' runs are kept: the call being worked on and the few still in wrap-up. */
const KEPT_RUNS = 20;

export interface CallScriptsOptions {
  library: ScriptLibrary;
  now: () => Date;
  /** The call's summary while it is up (for the caller's name and the dialled number), null once it is gone. */
  call: (callId: string) => CallSummary | null;
  /** Who the agent is, for `{agent.name}` / `{agent.extension}`. */
  agent: () => { name: string | null; extension: string | null };
}

/** Where a call's run stands: the step to show, the path so far, and whether the run was already there. */
export interface ScriptResume {
  step: PresentedStep;
  crumbs: PresentedCrumb[];
  /** False when this call had no run and one was started now. */
  resumed: boolean;
}

/**
 * One script run per call: the panel's clicks go to the call's run, and the wrap-up
 * saves `path()` with the call. A run outlives its call (wrap-up comes after), and the
 * oldest runs are dropped once more than a handful of calls are kept. A run holds its
 * parsed script in memory and never reads the library again, so a script removed or
 * replaced in the library mid-call leaves the calls already following it as they were.
 */
export class CallScripts {
  private readonly runs = new Map<string, ScriptRun>();
  /** Runs being started by `resume`, so two panels asking at once share one run. */
  private readonly starting = new Map<string, Promise<PresentedStep>>();

  constructor(private readonly options: CallScriptsOptions) {}

  /**
   * The call's run where it stands — the current step and the path so far, untouched — or,
   * when the call has none yet, a run started as `start(callId)` does. This is what a panel
   * opening on a call asks for, so a reloaded window carries on where the agent was.
   */
  async resume(callId: string): Promise<ScriptResume> {
    const run = this.runs.get(callId);
    if (run) return { step: run.current, crumbs: run.crumbs(), resumed: true };
    let starting = this.starting.get(callId);
    if (!starting) {
      starting = this.start(callId).finally(() => this.starting.delete(callId));
      this.starting.set(callId, starting);
    }
    // A run just started is at its first step: nothing behind it yet.
    return { step: await starting, crumbs: [], resumed: false };
  }

  /**
   * Starts (or restarts: the path so far is dropped) the script for a call: the one named,
   * else the one the library chooses by the dialled number. `not_found` when there is none.
   */
  async start(callId: string, scriptId?: string): Promise<PresentedStep> {
    const call = this.options.call(callId);
    const script = scriptId ? await this.options.library.get(scriptId) : await this.options.library.choose({ dialled: call?.dialled ?? null, queue: null });
    if (!script) throw new ZuoxiError('not_found', scriptId ? `No script "${scriptId}"` : `No script is chosen for call ${callId}; name one`);
    const contact = call?.card?.contact;
    const run = ScriptRun.start(
      script,
      {
        customer: contact
          ? { name: contact.name, company: contact.company, tier: contact.tier, number: call?.remote.number ?? null }
          : { number: call?.remote.number ?? null },
        agent: this.options.agent(),
        call: { dialled: call?.dialled ?? null, queue: null },
      },
      { now: this.options.now },
    );
    this.runs.delete(callId);
    this.runs.set(callId, run);
    while (this.runs.size > KEPT_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return run.current;
  }

  current(callId: string): PresentedStep {
    return this.run(callId).current;
  }

  answer(callId: string, stepId: string, optionId: string): PresentedStep {
    return this.run(callId).answer(stepId, optionId);
  }

  continue(callId: string, stepId: string): PresentedStep {
    return this.run(callId).continue(stepId);
  }

  objection(callId: string, stepId: string, snippetId: string): PresentedSnippet {
    return this.run(callId).objection(stepId, snippetId);
  }

  repeat(callId: string, stepId: string): PresentedStep {
    return this.run(callId).repeat(stepId);
  }

  back(callId: string, stepId: string): PresentedStep {
    return this.run(callId).back(stepId);
  }

  /** The path taken on the call, or null when no script ran on it. */
  path(callId: string): ScriptPath | null {
    return this.runs.get(callId)?.path() ?? null;
  }

  private run(callId: string): ScriptRun {
    const run = this.runs.get(callId);
    if (!run) throw new ZuoxiError('not_found', `No script runs on call ${callId}; start one first`);
    return run;
  }
}
