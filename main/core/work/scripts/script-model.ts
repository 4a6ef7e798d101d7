import { z } from 'zod';

/**
 * A script (话术) as data: what the agent says, the questions they ask with a branch per
 * answer, reusable objection-handling snippets, and end steps. The file format
 * (YAML or JSON, same shape) is described in README.md beside this file.
 *
 * The step graph must be acyclic. "Ask that again" is not a loop in the file: the
 * engine's `repeat()` shows the current step again (and `back()` returns to the one
 * before), and both are recorded in the path. So every path through a script ends, a
 * path is a list and not a tangle, and a mistyped branch target cannot trap the agent
 * in a circle.
 */

/** Step, option and snippet ids: letters (any script, so 问故障 works), digits, "_", "-", ".". */
export const ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$/u;
const Id = z.string().regex(ID_PATTERN, 'an id of letters, digits, "_", "-" or "." (at most 64)');
/** Text shown to the agent; may hold {variables}. */
const Text = z.string().trim().min(1, 'must not be empty').max(4000);
const Label = z.string().trim().min(1, 'must not be empty').max(200);

/**
 * Every variable a script may use, and where its value comes from. An unknown name is
 * refused at import (with its line), because at the customer's ear a typo would
 * otherwise become a silent gap in the sentence.
 */
export const KNOWN_VARIABLES = {
  'customer.name': 'the caller’s name from the directory or CRM',
  'customer.company': 'the caller’s company',
  'customer.tier': 'the caller’s tier (VIP, 金卡, …)',
  'customer.number': 'the caller’s number as shown to the agent',
  'agent.name': 'the agent’s display name',
  'agent.extension': 'the agent’s extension',
  'call.dialled': 'the number the customer dialled (the hotline)',
  'call.queue': 'the queue the call came through',
} as const;
export type VariableName = keyof typeof KNOWN_VARIABLES;
export const VARIABLE_NAMES = Object.keys(KNOWN_VARIABLES) as VariableName[];

export const ScriptOptionSchema = z
  .object({
    id: Id,
    label: Label,
    /** The step this answer leads to. */
    next: Id,
  })
  .strict();

/** Snippets offered on this step ("objection handling"): ids from the script's `snippets`. */
const Objections = z.array(Id).max(50).default([]);

export const SayStepSchema = z
  .object({
    type: z.literal('say'),
    id: Id,
    text: Text,
    next: Id,
    objections: Objections,
  })
  .strict();

export const QuestionStepSchema = z
  .object({
    type: z.literal('question'),
    id: Id,
    text: Text,
    options: z.array(ScriptOptionSchema).min(1, 'a question needs at least one answer').max(30),
    objections: Objections,
  })
  .strict();

export const EndStepSchema = z
  .object({
    type: z.literal('end'),
    id: Id,
    text: Text.optional(),
    /** A short result the path records (e.g. 已派单); the disposition stays the agent's choice. */
    outcome: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const ScriptStepSchema = z.discriminatedUnion('type', [SayStepSchema, QuestionStepSchema, EndStepSchema]);

export const SnippetSchema = z
  .object({
    id: Id,
    title: Label,
    text: Text,
  })
  .strict();

/** Dialled numbers are compared digits-only (and a leading +), so "95598" and "955-98" are one. */
export const ChosenBySchema = z
  .object({
    numbers: z.array(z.string().trim().regex(/^\+?[\d\s()-]{2,32}$/, 'a dialled number such as 95598 or +861095598')).max(100).default([]),
    queues: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
    /** The script for calls no other script claims. */
    default: z.boolean().default(false),
  })
  .strict();

export const ScriptSchema = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(200),
    /** Bumped by whoever edits the script; recorded in every path. */
    version: z.number().int().min(1).default(1),
    description: z.string().trim().max(2000).optional(),
    chosenBy: ChosenBySchema.default({ numbers: [], queues: [], default: false }),
    /** The first step; defaults to the first in `steps`. */
    start: Id.optional(),
    snippets: z.array(SnippetSchema).max(200).default([]),
    steps: z.array(ScriptStepSchema).min(1, 'a script needs at least one step').max(500),
  })
  .strict();

export type ScriptOption = z.output<typeof ScriptOptionSchema>;
export type SayStep = z.output<typeof SayStepSchema>;
export type QuestionStep = z.output<typeof QuestionStepSchema>;
export type EndStep = z.output<typeof EndStepSchema>;
export type ScriptStep = z.output<typeof ScriptStepSchema>;
export type Snippet = z.output<typeof SnippetSchema>;
export type ChosenBy = z.output<typeof ChosenBySchema>;
export type Script = z.output<typeof ScriptSchema>;

/** The id of the step a script starts at. */
export function startStepId(script: Script): string {
  return script.start ?? script.steps[0]!.id;
}

/** The steps a step leads to, in the order the file lists them. */
export function successors(step: ScriptStep): string[] {
  if (step.type === 'say') return [step.next];
  if (step.type === 'question') return step.options.map((option) => option.next);
  return [];
}
