import { z } from 'zod';
import { AGENT_STATES } from '../domain';

// The agent's day: state, wrap-up, shift schedule, scripts and sync. Spread into
// `channels` / `pushes` in ../contract.ts, so the preload, the router and renderer/api
// see them like every other channel.

const channel = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

/** The states an agent chooses; ringing, on_call and wrap_up come from the calls. */
export const MANUAL_AGENT_STATES = ['ready', 'not_ready', 'logged_out'] as const;

export const AgentStateSnapshotSchema = z.object({
  state: z.enum(AGENT_STATES),
  /** The not-ready reason's code (see wrapup.options `notReadyReasons`); null otherwise. */
  reason: z.string().nullable(),
  /** When this state began (ISO 8601 with ms): the state button's running timer. */
  since: z.string(),
  /** The call behind ringing / on_call / wrap_up; null otherwise. */
  callId: z.string().nullable(),
  /** wrap_up with automatic return: when the agent goes back to ready by themselves; else null. */
  wrapUpEndsAt: z.string().nullable(),
  /** wrap_up: the disposition is still to be saved before the agent may leave it. */
  dispositionMissing: z.boolean(),
  /** What the agent chose while a call was up: applied when the call (and its wrap-up) ends; null when nothing. */
  afterCall: z.object({ state: z.enum(MANUAL_AGENT_STATES), reason: z.string().nullable() }).nullable(),
});
export type AgentStateSnapshot = z.infer<typeof AgentStateSnapshotSchema>;

export const workChannels = {
  /**
   * The agent's choice: ready, not ready with a reason code from `wrapup.options`
   * (required, refused with `invalid_input` when unknown), or logged out. While a call
   * rings or is up, the choice is kept as `afterCall`. Leaving wrap-up before the
   * required disposition is saved is refused with `invalid_input`.
   */
  'agent.setState': channel(
    z
      .object({
        state: z.enum(MANUAL_AGENT_STATES),
        reason: z.string().min(1).max(32).optional(),
      })
      .strict(),
    AgentStateSnapshotSchema,
  ),
  /** The current state with its reason, start time and call (also in `status.changed` as agentState / agentStateReason / agentStateSince). */
  'agent.state': channel(z.object({}).strict(), AgentStateSnapshotSchema),
} as const;

export const workPushes = {} as const;
