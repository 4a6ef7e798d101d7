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

const MAX_SCHEDULE_BASE64 = 14 * 1024 * 1024; // ~10 MB of CSV: a year of a large floor

export const SCHEDULE_ROW_PROBLEMS = ['malformed_row', 'missing_agent', 'invalid_date', 'invalid_time', 'duplicate_shift'] as const;

export const ScheduleRowErrorSchema = z.object({
  /** 1-based data row after the header. */
  row: z.number().int(),
  code: z.enum(SCHEDULE_ROW_PROBLEMS),
  /** The verbatim part (the cell that was wrong); may be empty. */
  detail: z.string(),
  /** The whole reason in English. */
  reason: z.string(),
});
export type ScheduleRowError = z.infer<typeof ScheduleRowErrorSchema>;

export const ScheduleImportReportSchema = z.object({
  importId: z.string(),
  /** utf-8, gbk, … as the file was read. */
  encoding: z.string(),
  totalRows: z.number().int(),
  /** Shifts written (new or replacing the same agent, date and start). */
  imported: z.number().int(),
  /** Of those, how many replaced a shift already in the schedule. */
  replaced: z.number().int(),
  errors: z.array(ScheduleRowErrorSchema),
  ignoredColumns: z.array(z.string()),
});
export type ScheduleImportReport = z.infer<typeof ScheduleImportReportSchema>;

export const FLOOR_RULE_NAMES = ['late', 'early_leave', 'post_left_empty', 'away'] as const;

/** One floor-rule breach found in the state log against the schedule, with the seed's demerit. */
export const FloorFlagSchema = z.object({
  rule: z.enum(FLOOR_RULE_NAMES),
  agent: z.string(),
  shiftId: z.number().int(),
  date: z.string(),
  at: z.string(),
  minutes: z.number().int(),
  /** −1 late, −2 early leave, −3 post left empty, −1 away over 10 minutes. */
  points: z.number(),
});
export type FloorFlagView = z.infer<typeof FloorFlagSchema>;

export const ScheduleFlagsSchema = z.object({
  agent: z.string(),
  shifts: z.number().int(),
  flags: z.array(FloorFlagSchema),
  /** Sum of the flags' points (≤ 0). */
  points: z.number(),
});

// ---- Wrap-up (after-call work) and the work order form

/** The form as the agent fills it; the core checks every field (see WORK_ORDER_PROBLEMS) before anything is saved. */
export const WorkOrderInputSchema = z
  .object({
    /** A code from wrapup.options `faultTypes`. */
    faultType: z.string().max(32),
    address: z.string().max(500),
    /** As typed; normalised to E.164 by the core (default region), refused when it is no phone number. */
    contactPhone: z.string().max(64),
    description: z.string().max(4000),
  })
  .strict();
export type WorkOrderInput = z.infer<typeof WorkOrderInputSchema>;

export const WORK_ORDER_FIELDS = ['disposition', 'faultType', 'address', 'contactPhone', 'description'] as const;
/**
 * - required: empty
 * - unknown_code: not one of the center's codes (disposition, fault type)
 * - too_short / too_long: outside the field's length
 * - invalid_phone: not a phone number that can be called back
 */
export const WORK_ORDER_PROBLEMS = ['required', 'unknown_code', 'too_short', 'too_long', 'invalid_phone'] as const;

export const FieldProblemSchema = z.object({
  field: z.enum(WORK_ORDER_FIELDS),
  code: z.enum(WORK_ORDER_PROBLEMS),
  /** The reason in English, for logs; the renderer translates `code`. */
  reason: z.string(),
});
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

export const SavedWorkOrderSchema = z.object({
  id: z.number().int(),
  callId: z.string(),
  faultType: z.string(),
  address: z.string(),
  contactPhone: z.string(),
  contactE164: z.string(),
  description: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedWorkOrder = z.infer<typeof SavedWorkOrderSchema>;

export const SavedWrapUpSchema = z.object({
  id: z.number().int(),
  callId: z.string(),
  disposition: z.string(),
  notes: z.string(),
  /** 1 for the first save; a correction counts up. */
  revision: z.number().int(),
  /** Whether the call's script path was saved with it. */
  hasScriptPath: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedWrapUp = z.infer<typeof SavedWrapUpSchema>;

export const WrapUpSaveResultSchema = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(true), wrapUp: SavedWrapUpSchema, workOrder: SavedWorkOrderSchema.nullable() }),
  /** Nothing was written: every field's problem, to show beside the field. */
  z.object({ saved: z.literal(false), problems: z.array(FieldProblemSchema) }),
]);
export type WrapUpSaveResult = z.infer<typeof WrapUpSaveResultSchema>;

const CodeLabel = z.object({ code: z.string(), label: z.string(), labelEn: z.string().optional() });
export const WrapUpOptionsSchema = z.object({
  dispositions: z.array(CodeLabel),
  notReadyReasons: z.array(CodeLabel.extend({ approved: z.boolean() })),
  faultTypes: z.array(CodeLabel),
  wrapUp: z.object({ enabled: z.boolean(), autoReadyAfterSeconds: z.number().int().nullable(), dispositionRequired: z.boolean() }),
});
export type WrapUpOptions = z.infer<typeof WrapUpOptionsSchema>;

// ---- Scripts (话术): the library and the run of each call (main/core/work/scripts/README.md)

const ScriptId = z.string().min(1).max(64);
const StepId = z.string().min(1).max(64);
const CallIdArg = z.string().min(1).max(256);

/** Why an imported script is refused (or, for the warnings, imported with a remark); README.md beside the scripts core. */
export const SCRIPT_PROBLEM_CODES = [
  'too_large', // the file is over 1 MB
  'syntax', // not YAML / not JSON
  'schema', // a field missing, of the wrong type, unknown, or out of range
  'duplicate_id', // two steps, two snippets, or two answers of one question with one id
  'missing_target', // a branch (or `start`) names a step that does not exist
  'missing_snippet', // a step offers an objection snippet that does not exist
  'cycle', // the steps loop back; main/core/work/scripts/script-model.ts says why that is refused
  'unknown_variable', // {something} that is not a known variable
  'bad_placeholder', // a lone { or }
  'unreachable', // warning: no path from the start reaches this step
  'unused_snippet', // warning: no step offers this snippet
  'no_fallback', // warning: a customer variable without a fallback reads as a gap for unknown callers
  'choice_conflict', // another script in the library already claims this dialled number, queue, or being the default
] as const;

export const ScriptProblemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.enum(SCRIPT_PROBLEM_CODES),
  /** 1-based, in the imported text. */
  line: z.number().int(),
  column: z.number().int(),
  path: z.string(),
  detail: z.string(),
  reason: z.string(),
});

export const ScriptSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  chosenBy: z.object({ numbers: z.array(z.string()), queues: z.array(z.string()), default: z.boolean() }),
  fileName: z.string().nullable(),
  importedAt: z.string(),
  updatedAt: z.string(),
});

const FilledPartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('variable'), name: z.string(), value: z.string(), missing: z.boolean() }),
]);

/** A step as the script panel shows it; every text is plain text (render as text nodes). */
export const PresentedStepSchema = z.object({
  scriptId: z.string(),
  stepId: z.string(),
  type: z.enum(['say', 'question', 'end']),
  text: z.string(),
  parts: z.array(FilledPartSchema),
  options: z.array(z.object({ id: z.string(), label: z.string() })),
  objections: z.array(z.object({ id: z.string(), title: z.string() })),
  outcome: z.string().nullable(),
  final: z.boolean(),
  canGoBack: z.boolean(),
});

/** A step left behind on the way to the current one, with the answer given on it (null: continued). */
export const ScriptCrumbSchema = z.object({ stepId: z.string(), text: z.string(), choice: z.string().nullable() });

/** A call's run where it stands: the step to show and the path so far. */
export const ScriptResumeSchema = z.object({
  step: PresentedStepSchema,
  crumbs: z.array(ScriptCrumbSchema),
  /** False when the call had no run and one was started. */
  resumed: z.boolean(),
});

export const PresentedSnippetSchema = z.object({ snippetId: z.string(), title: z.string(), text: z.string(), parts: z.array(FilledPartSchema) });

/** The longest script text `scripts.import` takes (the core refuses a file over 1 MB as `too_large`). */
export const MAX_SCRIPT_TEXT = 1024 * 1024;

// ---- Sync (the outbox to the back office)

export const SyncStatusSchema = z.object({
  /** idle, sending, waiting (backoff), not_configured (no back office set: records wait), stopped. */
  activity: z.enum(['idle', 'sending', 'waiting', 'not_configured', 'stopped']),
  /** "n waiting to sync": records not yet accepted by the back office. */
  pending: z.number().int(),
  sending: z.number().int(),
  /** Records the back office refused (4xx), kept with their reason until retried. */
  failed: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /** The backlog being worked through: done of total since the queue was last empty. */
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
});
export type SyncStatusView = z.infer<typeof SyncStatusSchema>;

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

  /**
   * Import a shift schedule CSV (columns agent/工号, date/日期, start/上班时间, end/下班时间;
   * UTF-8 or GBK; local times; a night shift ends the next day). Good rows are written in
   * one transaction, each bad row is listed with its reason; a file without the four
   * columns fails with `import_failed`.
   */
  'schedule.import': channel(
    z.object({ fileName: z.string().min(1).max(255), contentBase64: z.base64().max(MAX_SCHEDULE_BASE64) }).strict(),
    ScheduleImportReportSchema,
  ),
  /**
   * The floor-rule flags of this seat's agent (the SIP extension) for the shifts starting
   * in [from, to) (ISO 8601), judged on the state log up to now.
   */
  /**
   * Save a call's wrap-up: disposition code, notes and, optionally, a work order. Checked
   * whole before anything is written (`saved: false` with every field's problem); saved
   * in one transaction with its outbox rows and the call's script path. Saving again
   * corrects it (revision + 1). Lets the agent leave wrap-up when a disposition is required.
   * An unknown call fails with `not_found`.
   */
  'wrapup.save': channel(
    z
      .object({
        callId: z.string().min(1).max(256),
        disposition: z.string().max(32),
        notes: z.string().max(10_000).default(''),
        workOrder: WorkOrderInputSchema.nullable().optional(),
      })
      .strict(),
    WrapUpSaveResultSchema,
  ),
  /** The center's lists for the wrap-up form and the state buttons (settings, read now). */
  'wrapup.options': channel(z.object({}).strict(), WrapUpOptionsSchema),

  /** The imported scripts, by name. */
  'scripts.list': channel(z.object({}).strict(), z.array(ScriptSummarySchema)),
  /**
   * Import a script (YAML or JSON text). Refused with every problem's line, column and
   * reason (`ok: false`); a script with the id of one already there replaces it.
   */
  'scripts.import': channel(
    z.object({ fileName: z.string().min(1).max(255), text: z.string().max(MAX_SCRIPT_TEXT) }).strict(),
    z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), script: ScriptSummarySchema, replaced: z.boolean(), warnings: z.array(ScriptProblemSchema) }),
      z.object({ ok: z.literal(false), errors: z.array(ScriptProblemSchema), warnings: z.array(ScriptProblemSchema) }),
    ]),
  ),
  /** A script as a file's text; importing it gives the same script back. `not_found` for an unknown id. */
  'scripts.export': channel(z.object({ id: ScriptId, format: z.enum(['yaml', 'json']).default('yaml') }).strict(), z.object({ text: z.string() })),
  /**
   * Delete a script from the library; `not_found` for an unknown id. A call already
   * following it carries on to its end (its run holds the script), and its path is saved
   * with the wrap-up as usual; new calls no longer get it. Answers the id removed.
   */
  'scripts.remove': channel(z.object({ id: ScriptId }).strict(), z.object({ id: z.string() })),
  /**
   * Start the script on a call: the one named, else the one chosen by the dialled number
   * (`not_found` when none). Starting again restarts it, dropping the path so far. The
   * path taken is saved with the wrap-up.
   */
  'scripts.start': channel(z.object({ callId: CallIdArg, scriptId: ScriptId.optional() }).strict(), PresentedStepSchema),
  /**
   * The call's run where it stands — current step and the path so far, unchanged — or,
   * when the call has none yet, the chosen script started as `scripts.start` does
   * (`not_found` when none). A window opening on a call in progress (a reload) asks this,
   * so the agent carries on where they were and the saved path stays whole.
   */
  'scripts.resume': channel(z.object({ callId: CallIdArg }).strict(), ScriptResumeSchema),
  /** Each move names the step it was made on: a click on a step no longer shown is refused (`invalid_input`). */
  'scripts.answer': channel(z.object({ callId: CallIdArg, stepId: StepId, optionId: z.string().min(1).max(64) }).strict(), PresentedStepSchema),
  'scripts.continue': channel(z.object({ callId: CallIdArg, stepId: StepId }).strict(), PresentedStepSchema),
  /** An objection-handling snippet on the current step; the run stays on the step. */
  'scripts.objection': channel(z.object({ callId: CallIdArg, stepId: StepId, snippetId: z.string().min(1).max(64) }).strict(), PresentedSnippetSchema),
  /** "Please say that again": the step once more, recorded in the path. */
  'scripts.repeat': channel(z.object({ callId: CallIdArg, stepId: StepId }).strict(), PresentedStepSchema),
  /** Undo the last move (a wrong click), recorded in the path. */
  'scripts.back': channel(z.object({ callId: CallIdArg, stepId: StepId }).strict(), PresentedStepSchema),

  /** The outbox's state: "n waiting to sync", what is being sent, the last error. Changes arrive as `sync.changed`. */
  'sync.status': channel(z.object({}).strict(), SyncStatusSchema),
  /** Put the records the back office refused back in the queue (all, or the outbox ids named); returns how many. */
  'sync.retryFailed': channel(
    z.object({ ids: z.array(z.number().int().positive()).max(1000).optional() }).strict(),
    z.object({ requeued: z.number().int() }),
  ),

  'schedule.flags': channel(
    z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), agent: z.string().min(1).max(64).optional() }).strict(),
    ScheduleFlagsSchema,
  ),
} as const;

export const workPushes = {
  /** The outbox's state changed (a record written, sent, refused, a backoff): "n waiting to sync" with progress. */
  'sync.changed': SyncStatusSchema,
} as const;
