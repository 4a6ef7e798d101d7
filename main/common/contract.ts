import { z } from 'zod';
import {
  AppInfoSchema,
  CallLogPageSchema,
  CardSourceSchema,
  CallSummarySchema,
  DialRequestSchema,
  ContactCardSchema,
  ContactInputSchema,
  ContactSummarySchema,
  HistoryPageSchema,
  ImportFormatSchema,
  ImportProgressSchema,
  ImportReportSchema,
  InteractionInputSchema,
  InteractionSchema,
  LocaleSchema,
  SettingUpdateResultSchema,
  SettingsViewSchema,
  WorkstationStatusSchema,
} from './domain';
import { callbackChannels, callbackPushes } from './channels/callbacks';
import { kpiChannels } from './channels/kpi';
import { workChannels, workPushes } from './channels/work';
import type { PushName } from './constants';
import type { Reply } from './errors';

// The one IPC contract. Every channel the renderer can call, and every push the core
// can send, is declared here once; the preload, the router, the WebSocket host and
// renderer/api all derive their types from these two maps.

const channel = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

const MAX_IMPORT_BASE64 = 70 * 1024 * 1024; // ~50 MB of file

/** A SIP Call-ID (RFC 3261 `word` characters, '@' allowed). */
const CallId = z.string().min(1).max(256).regex(/^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}@]+$/);
/** Where a call goes: an extension or phone number as typed, or a sip: URI. */
const TransferTarget = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^(sips?:[^\s<>"]+|[0-9A-Za-z+*#().\s_-]+)$/, 'an extension, a phone number or a sip: URI');

export const channels = {
  /** The window is ready for pushes; held pushes flow after this. */
  'app.ready': channel(z.object({}).strict(), AppInfoSchema),
  'app.setLocale': channel(z.object({ locale: LocaleSchema }).strict(), LocaleSchema),

  'directory.search': channel(
    z
      .object({
        query: z.string().trim().min(1).max(200),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    z.array(ContactSummarySchema),
  ),
  'directory.card': channel(z.object({ contactId: z.number().int().positive() }).strict(), ContactCardSchema),
  /**
   * Caller identity → card through the lookup chain (local directory and cache, then the CRM
   * connectors until `lookupDeadlineMs`); card null when no source knows the number.
   * `sources` is what each source said, also when there is no card (e.g. the CRM is
   * offline for an unknown caller). Connectors answering after the deadline refresh the
   * cache for the next lookup.
   */
  'directory.lookupNumber': channel(
    z.object({ number: z.string().min(1).max(64) }).strict(),
    z.object({ e164: z.string().nullable(), card: ContactCardSchema.nullable(), sources: z.array(CardSourceSchema).optional() }),
  ),
  /**
   * Create (contactId null) or replace a contact; each saved version is queued for the CRM.
   * `callId`: the call the new-contact form was opened from (a ringing or ended unknown caller), sent along to the CRM.
   */
  'directory.saveContact': channel(
    z.object({ contactId: z.number().int().positive().nullable(), contact: ContactInputSchema, callId: CallId.nullable().default(null) }).strict(),
    ContactCardSchema,
  ),
  'directory.history': channel(
    z
      .object({
        contactId: z.number().int().positive(),
        before: z.string().max(100).nullable().default(null),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    HistoryPageSchema,
  ),
  'directory.addInteraction': channel(InteractionInputSchema.strict(), InteractionSchema),
  /**
   * Import a CSV or vCard file. The bytes travel as base64 so the core can detect the
   * encoding (UTF-8 or GBK) itself; progress arrives as `directory.importProgress`.
   */
  'directory.import': channel(
    z
      .object({
        fileName: z.string().min(1).max(255),
        format: ImportFormatSchema.optional(),
        contentBase64: z.base64().max(MAX_IMPORT_BASE64),
      })
      .strict(),
    ImportReportSchema,
  ),

  // ---- Calls. Every call is named by `callId`: the customer leg's SIP Call-ID, as in
  // CallSummary.id. Actions return the call's summary after the action; the same
  // summary is also pushed as `calls.changed`. An action the call's state does not
  // allow (answer an ended call) fails with `invalid_input`; an unknown id with `not_found`.

  /** Save the agent's SIP password in the secret store (OS keychain in the app) and register again with it. Never logged. */
  'calls.setPassword': channel(z.object({ password: z.string().min(1).max(256) }).strict(), z.object({}).strict()),
  /** Calls in progress (not ended), oldest first: what the call bar shows after a reload. */
  'calls.list': channel(z.object({}).strict(), z.array(CallSummarySchema)),
  /** Answer a ringing inbound call: the agent's desk phone is rung (auto-answer) and bridged to the caller. */
  'calls.answer': channel(z.object({ callId: CallId }).strict(), CallSummarySchema),
  /** Refuse a ringing call: busy → 486 Busy Here, decline → 603 Decline. Logged as rejected. */
  'calls.reject': channel(z.object({ callId: CallId, reason: z.enum(['busy', 'decline']).default('busy') }).strict(), CallSummarySchema),
  /** End a call in any state (ringing inbound counts as reject-busy; dialing is cancelled). */
  'calls.hangup': channel(z.object({ callId: CallId }).strict(), CallSummarySchema),
  /** Put the customer on hold (hold: true) or take them off it (false); state becomes held / active. */
  'calls.hold': channel(z.object({ callId: CallId, hold: z.boolean() }).strict(), CallSummarySchema),
  /** Send DTMF digits to the customer (SIP INFO application/dtmf-relay, one per digit), e.g. to an IVR. */
  'calls.dtmf': channel(z.object({ callId: CallId, digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/) }).strict(), CallSummarySchema),
  /** Blind transfer: the customer is sent to `target` (an extension, number or sip: URI) and the agent leaves the call. */
  'calls.transfer': channel(z.object({ callId: CallId, target: TransferTarget, mode: z.literal('blind').default('blind') }).strict(), CallSummarySchema),
  /** Attended transfer, step 1: hold the customer and call `target` on the agent's phone; returns the consult call. */
  'calls.consult': channel(z.object({ callId: CallId, target: TransferTarget }).strict(), CallSummarySchema),
  /** Attended transfer, step 2: connect the customer to the consulted party; the agent leaves both. Returns the original call (ended, transferred). To abandon the consult instead, hang it up and resume the original. */
  'calls.completeTransfer': channel(z.object({ callId: CallId, consultCallId: CallId }).strict(), CallSummarySchema),
  /** Click-to-dial: ring the agent's desk phone, then the number (RFC 3725 third-party call control). */
  'calls.dial': channel(z.object({ number: TransferTarget }).strict(), CallSummarySchema),
  /** The call log, newest first; pass `nextCursor` back as `before` for older rows. */
  'calls.log': channel(
    z
      .object({
        limit: z.number().int().min(1).max(500).default(50),
        before: z.number().int().positive().nullable().default(null),
      })
      .strict(),
    CallLogPageSchema,
  ),

  // ---- Settings (the settings screen). Every value comes with its layer; a value IT's
  // policy sets is refused with `policy_locked`. The SIP password is not a setting: it
  // goes through calls.setPassword, and settings.get only says whether one is stored.

  /** Every setting's value and layer, and whether a SIP password is stored. */
  'settings.get': channel(z.object({}).strict(), SettingsViewSchema),
  /**
   * Saves one setting in the agent's own layer. The core's settings schema checks `value`
   * (refused with `invalid_input` and the reason); a key IT's policy sets is refused with
   * `policy_locked`; a key that is no setting with `not_found`. SIP changes make the line
   * register again — once the calls in progress have ended, so no call is cut — and
   * `applies` says when the change takes effect. Also pushed as `settings.changed`.
   */
  'settings.update': channel(z.object({ key: z.string().min(1).max(64), value: z.unknown() }).strict(), SettingUpdateResultSchema),
  ...workChannels,
  ...callbackChannels,
  ...kpiChannels,
} as const;

export const pushes = {
  'directory.importProgress': ImportProgressSchema,
  'status.changed': WorkstationStatusSchema,
  /**
   * A call appeared or changed (ringing with the caller's card, answered, held, ended with cause).
   * A ringing call is pushed again, same state, when a CRM connector answers after the first
   * push: replace the card in place (see ContactCard.sources / crm).
   */
  'calls.changed': CallSummarySchema,
  /** A setting changed (this window, another one, or the language switch); every value with its layer. */
  'settings.changed': SettingsViewSchema,
  /** The OS handed Zuoxi a tel: / sip: link: put the number in the dial pad for the agent to call. */
  'calls.dialRequested': DialRequestSchema,
  ...workPushes,
  ...callbackPushes,
} as const;

export type Channel = keyof typeof channels;
export type Push = keyof typeof pushes;

/** What a caller passes (defaults may be left out). */
export type ArgsIn<C extends Channel> = z.input<(typeof channels)[C]['args']>;
/** What a handler receives (after parsing: defaults filled, strings trimmed). */
export type Args<C extends Channel> = z.output<(typeof channels)[C]['args']>;
export type Result<C extends Channel> = z.output<(typeof channels)[C]['result']>;
export type PushPayload<P extends Push> = z.output<(typeof pushes)[P]>;

export type Handlers = { [C in Channel]: (args: Args<C>) => Promise<Result<C>> };

/** The API the renderer sees, whatever carries it (preload or WebSocket). */
export interface ZuoxiApi {
  invoke<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Reply<Result<C>>>;
  /** Returns an unsubscribe function. */
  on<P extends Push>(push: P, listener: (payload: PushPayload<P>) => void): () => void;
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export { isPush } from './constants';
// Compile-time proof that the zod-free list of push names matches `pushes`.
const samePushNames: [Push, PushName] extends [PushName, Push] ? true : never = true;
void samePushNames;

export { IPC_INVOKE, IPC_PUSH, PRELOAD_API_KEY } from './constants';
