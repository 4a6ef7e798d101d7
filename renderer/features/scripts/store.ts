import { create } from 'zustand';
import type { z } from 'zod';
import type { PresentedSnippetSchema, PresentedStepSchema } from '../../../main/common/channels/work';
import { ApiError, call, toFailure, type Failure } from '../../api';

export type PresentedStep = z.infer<typeof PresentedStepSchema>;
export type PresentedSnippet = z.infer<typeof PresentedSnippetSchema>;

/** One step already left behind, with the answer given on it (null: continued). */
export interface Crumb {
  stepId: string;
  text: string;
  choice: string | null;
}

export interface ScriptsData {
  /** The call whose script run is shown; null when no call is up. */
  callId: string | null;
  step: PresentedStep | null;
  /** The path taken so far on this call, as breadcrumbs (back removes the last). */
  crumbs: Crumb[];
  /** The objection snippet opened on the current step (cleared by any move). */
  snippet: PresentedSnippet | null;
  /** No script is chosen by this call's dialled number. */
  noScript: boolean;
  pending: boolean;
  error: Failure | null;
}

export interface ScriptsState extends ScriptsData {
  /**
   * A call became active (or the active call changed, or the window opened on a call in
   * progress): show its run where it stands — started if it has none; null clears the panel.
   */
  follow(callId: string | null): Promise<void>;
  answer(optionId: string): Promise<void>;
  continue(): Promise<void>;
  repeat(): Promise<void>;
  back(): Promise<void>;
  objection(snippetId: string): Promise<void>;
  closeSnippet(): void;
  /** After a failed start: try the call's script again. */
  retry(): Promise<void>;
}

export const initialScripts: ScriptsData = { callId: null, step: null, crumbs: [], snippet: null, noScript: false, pending: false, error: null };

export const useScriptsStore = create<ScriptsState>()((set, get) => {
  /** Runs one move on the current step; a reply for a call no longer shown is dropped. */
  const move = async (run: (callId: string, step: PresentedStep) => Promise<PresentedStep>, crumb: (step: PresentedStep) => Crumb[] | null) => {
    const { callId, step, pending } = get();
    if (!callId || !step || pending) return;
    set({ pending: true, error: null });
    try {
      const next = await run(callId, step);
      if (get().callId !== callId) return;
      const crumbs = crumb(step);
      set((state) => ({ pending: false, step: next, snippet: null, crumbs: crumbs ?? state.crumbs }));
    } catch (error) {
      if (get().callId === callId) set({ pending: false, error: toFailure(error) });
    }
  };

  // Resume, not start: a window reloaded mid-call carries on at the agent's step, with the
  // path so far, and the run the wrap-up saves is never restarted.
  const resume = async (callId: string) => {
    set({ pending: true, error: null });
    try {
      const { step, crumbs } = await call('scripts.resume', { callId });
      if (get().callId === callId) set({ pending: false, step, crumbs });
    } catch (error) {
      if (get().callId !== callId) return;
      // No script for this line is not a failure: the panel says so quietly.
      if (error instanceof ApiError && error.code === 'not_found') set({ pending: false, noScript: true });
      else set({ pending: false, error: toFailure(error) });
    }
  };

  return {
    ...initialScripts,

    follow: async (callId) => {
      if (get().callId === callId) return;
      set({ ...initialScripts, callId });
      if (callId) await resume(callId);
    },

    retry: async () => {
      const { callId, step, pending } = get();
      if (callId && !step && !pending) await resume(callId);
    },

    answer: (optionId) =>
      move(
        (callId, step) => call('scripts.answer', { callId, stepId: step.stepId, optionId }),
        (step) => [...get().crumbs, { stepId: step.stepId, text: step.text, choice: step.options.find((o) => o.id === optionId)?.label ?? optionId }],
      ),
    continue: () =>
      move(
        (callId, step) => call('scripts.continue', { callId, stepId: step.stepId }),
        (step) => [...get().crumbs, { stepId: step.stepId, text: step.text, choice: null }],
      ),
    repeat: () => move((callId, step) => call('scripts.repeat', { callId, stepId: step.stepId }), () => null),
    back: () =>
      move(
        (callId, step) => call('scripts.back', { callId, stepId: step.stepId }),
        () => get().crumbs.slice(0, -1),
      ),

    objection: async (snippetId) => {
      const { callId, step } = get();
      if (!callId || !step) return;
      set({ error: null });
      try {
        const snippet = await call('scripts.objection', { callId, stepId: step.stepId, snippetId });
        if (get().callId === callId && get().step?.stepId === step.stepId) set({ snippet });
      } catch (error) {
        if (get().callId === callId) set({ error: toFailure(error) });
      }
    },

    closeSnippet: () => set({ snippet: null }),
  };
});
