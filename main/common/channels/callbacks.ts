import { z } from 'zod';

// Callbacks (回访): the agent calls a customer back — after a repair work order (within
// 24 h, per the seed's 修障工单 rule), after a call's wrap-up, or because they said so.
// Declared here and spread into contract.ts's `channels` / `pushes`, so the callbacks
// feature owns its schemas without every feature editing one big file.

const channel = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

export const CALLBACK_SOURCES = ['manual', 'wrap_up', 'work_order'] as const;
export type CallbackSource = (typeof CALLBACK_SOURCES)[number];

export const CALLBACK_STATUSES = ['open', 'done', 'abandoned'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/**
 * What the SIP final response of a callback call says, when it says anything
 * (main/core/work/callbacks/sip-outcome.ts holds the table). `not_placed`: the call
 * never reached the customer's network (the agent's desk phone failed or the agent
 * cancelled) — such an attempt does not count against the retry budget.
 */
export const CALLBACK_SIP_OUTCOMES = ['answered', 'busy', 'no_answer', 'invalid_number', 'gone', 'declined', 'network', 'not_placed', 'unknown'] as const;
export type CallbackSipOutcome = (typeof CALLBACK_SIP_OUTCOMES)[number];

/**
 * What the agent says came of an attempt. The first three reached the customer (the
 * callback was made, KPI 7); only `reached_resolved` is effective (KPI 8). The rest did
 * not reach them and go through the retry policy, except `invalid_number`, which ends it.
 */
export const CALLBACK_AGENT_OUTCOMES = [
  'reached_resolved',
  'reached_unresolved',
  'refused',
  'wrong_person',
  'no_answer',
  'voicemail',
  'invalid_number',
] as const;
export type CallbackAgentOutcome = (typeof CALLBACK_AGENT_OUTCOMES)[number];

export const CallbackAttemptSchema = z.object({
  id: z.number().int(),
  /** The SIP Call-ID of the click-to-call (calls.* ids); null for an outcome recorded without a call. */
  callId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  sipOutcome: z.enum(CALLBACK_SIP_OUTCOMES).nullable(),
  /** The SIP final response behind sipOutcome, e.g. "486 Busy Here". */
  sipDetail: z.string().nullable(),
  agentOutcome: z.enum(CALLBACK_AGENT_OUTCOMES).nullable(),
  note: z.string(),
});
export type CallbackAttempt = z.infer<typeof CallbackAttemptSchema>;

export const CallbackSchema = z.object({
  id: z.number().int(),
  contactId: z.number().int().nullable(),
  /** E.164, e.g. +8613800138000. */
  number: z.string(),
  /** Who or what the callback is about, for the list ('' when nobody said). */
  subject: z.string(),
  source: z.enum(CALLBACK_SOURCES),
  /** The work order id or the call's Call-ID it came from; null for a manual one. */
  sourceRef: z.string().nullable(),
  createdAt: z.string(),
  /** The promised time: a work order's +24 h. Never moves; the KPI counts against it. */
  deadlineAt: z.string(),
  /** When to call next: the deadline at first, pushed on by the retry policy. */
  dueAt: z.string(),
  status: z.enum(CALLBACK_STATUSES),
  /** Open and past its deadline (as of the answer's time). */
  overdue: z.boolean(),
  /** Attempts that count against the retry budget (not_placed ones do not). */
  attempts: z.number().int(),
  lastAttemptAt: z.string().nullable(),
  lastSipOutcome: z.enum(CALLBACK_SIP_OUTCOMES).nullable(),
  lastSipDetail: z.string().nullable(),
  /** Final agent outcome (done), or why it was abandoned (e.g. "max_attempts", "invalid_number"). */
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** A call for it is up right now (its Call-ID), so the list does not offer to call twice. */
  callInProgress: z.string().nullable(),
});
export type Callback = z.infer<typeof CallbackSchema>;

export const CallbackStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Work-order callbacks whose deadline falls in [from, to). */
  required: z.number().int(),
  /** Of those, reached (reached_resolved / reached_unresolved / refused) by their deadline. */
  done: z.number().int(),
  /** Of those, reached_resolved by their deadline. */
  effective: z.number().int(),
  /** done / required (KPI 7, 维修回访率); null when nothing was required. */
  callbackRate: z.number().nullable(),
  /** effective / required (KPI 8, 维修有效回访率); null when nothing was required. */
  effectiveRate: z.number().nullable(),
});
export type CallbackStats = z.infer<typeof CallbackStatsSchema>;

const IsoTime = z.iso.datetime({ offset: true });
const Text = (max: number) => z.string().trim().max(max);

export const callbackChannels = {
  /** The due list: open ones by when to call next (overdue marked), then closed ones, newest first. */
  'callbacks.list': channel(
    z
      .object({
        status: z.enum(CALLBACK_STATUSES).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    z.array(CallbackSchema),
  ),
  /** A callback by hand (or from the wrap-up form): due when the agent says, else in `callbacks.defaultDueHours`. */
  'callbacks.create': channel(
    z
      .object({
        number: z.string().trim().min(1).max(64),
        contactId: z.number().int().positive().nullable().default(null),
        dueAt: IsoTime.nullable().default(null),
        subject: Text(200).default(''),
        /** The call being wrapped up, for a callback promised during it. */
        fromCallId: z.string().min(1).max(256).nullable().default(null),
      })
      .strict(),
    CallbackSchema,
  ),
  /** Click-to-call: dials the callback's number (calls.dial); the call's end is recorded on the attempt. */
  'callbacks.call': channel(z.object({ id: z.number().int().positive() }).strict(), z.object({ callback: CallbackSchema, callId: z.string() })),
  /** The agent's outcome of the latest attempt (or of one made outside Zuoxi); the retry policy decides what follows. */
  'callbacks.resolve': channel(
    z.object({ id: z.number().int().positive(), outcome: z.enum(CALLBACK_AGENT_OUTCOMES), note: Text(2000).default('') }).strict(),
    CallbackSchema,
  ),
  /** The callback's attempts, oldest first. */
  'callbacks.attempts': channel(z.object({ id: z.number().int().positive() }).strict(), z.array(CallbackAttemptSchema)),
  /** KPI 7 and 8 for [from, to). */
  'callbacks.stats': channel(z.object({ from: IsoTime, to: IsoTime }).strict(), CallbackStatsSchema),
} as const;

export const CallbackReminderSchema = z.object({
  callback: CallbackSchema,
  /** Minutes until dueAt (negative once it has passed): the notification's "due in 15 min". */
  minutesToDue: z.number().int(),
});
export type CallbackReminder = z.infer<typeof CallbackReminderSchema>;

export const callbackPushes = {
  /** A callback was created or changed (call placed, call ended, resolved, rescheduled, abandoned). */
  'callbacks.changed': CallbackSchema,
  /** Turn into an OS notification: a callback is due within the reminder lead time (or overdue at start-up). */
  'callbacks.reminder': CallbackReminderSchema,
} as const;
