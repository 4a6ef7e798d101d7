import { z } from 'zod';

// Domain shapes shared by core, shell and renderer. Caller-supplied text (names,
// companies, notes, CRM fields) is plain data everywhere: nothing here is markup.

import { IMPORT_ROW_PROBLEMS, LOCALES } from './constants';

export { LOCALES };
export const LocaleSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof LocaleSchema>;

const text = (max: number) => z.string().max(max);

export const PhoneNumberInputSchema = z.object({
  /** What the number is (mobile, work, home, or the center's own label). */
  label: text(32).default('other'),
  /** As typed or imported; normalised to E.164 by the core. */
  raw: z.string().min(1).max(64),
});
export type PhoneNumberInput = z.input<typeof PhoneNumberInputSchema>;

export const PhoneNumberSchema = z.object({
  label: z.string(),
  raw: z.string(),
  e164: z.string(),
});
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;

export const ContactInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  company: text(200).default(''),
  numbers: z.array(PhoneNumberInputSchema).min(1).max(20),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  /** Service tier as the center names it (e.g. standard, gold, vip). */
  tier: text(32).default(''),
  notes: text(10_000).default(''),
});
export type ContactInput = z.input<typeof ContactInputSchema>;

export const ContactSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  company: z.string(),
  numbers: z.array(PhoneNumberSchema),
  tags: z.array(z.string()),
  tier: z.string(),
  notes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof ContactSchema>;

export const ContactSummarySchema = ContactSchema.pick({
  id: true,
  name: true,
  company: true,
  tier: true,
  tags: true,
}).extend({ numbers: z.array(z.string()) /* E.164 */ });
export type ContactSummary = z.infer<typeof ContactSummarySchema>;

export const INTERACTION_KINDS = ['call_in', 'call_out', 'note', 'ticket'] as const;
export const InteractionKindSchema = z.enum(INTERACTION_KINDS);
export type InteractionKind = z.infer<typeof InteractionKindSchema>;

export const InteractionStatusSchema = z.enum(['open', 'resolved']);

export const InteractionInputSchema = z.object({
  contactId: z.number().int().positive(),
  kind: InteractionKindSchema,
  /** ISO 8601; defaults to now in the core. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  /** What came of it (e.g. resolved, callback promised, complaint). */
  outcome: text(100).default(''),
  summary: text(10_000).default(''),
  /** Tickets and promises are `open` until resolved; calls and notes have none. */
  status: InteractionStatusSchema.nullable().default(null),
});
export type InteractionInput = z.input<typeof InteractionInputSchema>;

export const InteractionSchema = z.object({
  id: z.number().int(),
  contactId: z.number().int(),
  kind: InteractionKindSchema,
  occurredAt: z.string(),
  outcome: z.string(),
  summary: z.string(),
  status: InteractionStatusSchema.nullable(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

// ---- Where a card's facts came from: the screen-pop lookup chain (local directory and
// cache first, then the CRM connectors configured in `crmConnectors`).

/** 'local': the agent's own directory (sqlite); 'ldap' / 'rest': a connector from settings. */
export const CARD_SOURCE_CONNECTORS = ['local', 'ldap', 'rest'] as const;
/**
 * - fresh: answered during this lookup, or its cached answer is younger than `cacheTtlSeconds`.
 * - pending: asked, no answer yet (it missed the lookup deadline); facts shown are the cached
 *   ones from `fetchedAt`, if any; an update of the card follows.
 * - stale: the connector failed (see `error`); the card shows what it said at `fetchedAt`:
 *   show "offline — stale since <fetchedAt>".
 * - failed: the connector failed and nothing is cached for this caller (`fetchedAt` null).
 */
export const CARD_SOURCE_STATUSES = ['fresh', 'pending', 'stale', 'failed'] as const;
export type CardSourceStatus = (typeof CARD_SOURCE_STATUSES)[number];
/**
 * Why a connector failed, for the renderer to translate (`errorDetail` has the verbatim part):
 * - timeout: no answer within the connector's `timeoutMs`
 * - unreachable: connection refused / reset / DNS (the server is down or not there)
 * - http_status: the REST server answered with an HTTP error (5xx, 400…), e.g. "503 Service Unavailable"
 * - bad_response: not JSON, an HTML error page, or JSON of an unexpected shape
 * - auth_failed: the server refused our credentials (LDAP bind, HTTP 401/403), or the secret is missing
 * - error: anything else
 */
export const CONNECTOR_ERRORS = ['timeout', 'unreachable', 'http_status', 'bad_response', 'auth_failed', 'error'] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERRORS)[number];
/** The facts a source can put on a card; `CardSource.fields` names the ones it supplied. */
export const CARD_FACTS = ['name', 'company', 'tier', 'customerId', 'email', 'title', 'department', 'history', 'openTickets', 'lastContacts'] as const;
export type CardFact = (typeof CARD_FACTS)[number];

export const CardSourceSchema = z.object({
  connector: z.enum(CARD_SOURCE_CONNECTORS),
  /** The connector's `name` from settings (e.g. "corp-ldap", "crm"); 'local' for the directory. */
  name: z.string(),
  status: z.enum(CARD_SOURCE_STATUSES),
  /** This source knows the caller: some of the card's facts are its own (see `fields`). */
  matched: z.boolean(),
  /** When the facts shown from this source were fetched from it (ISO 8601 with ms); null when never. */
  fetchedAt: z.string().nullable(),
  /** Which facts on the card came from this source (e.g. ['name', 'tier', 'openTickets']). */
  fields: z.array(z.enum(CARD_FACTS)),
  /** Why it failed (status stale / failed), else null. */
  error: z.enum(CONNECTOR_ERRORS).nullable(),
  /** The verbatim detail behind `error`, in English (e.g. "503 Service Unavailable"); never a secret or the caller's number. */
  errorDetail: z.string().nullable(),
});
export type CardSource = z.infer<typeof CardSourceSchema>;

/** A ticket the CRM says is open for this customer. All text is caller/CRM data: plain text, cut to length by the core. */
export const CrmTicketSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** As the CRM names it (open, pending, in_progress, …). */
  status: z.string(),
  /** ISO 8601 (or the CRM's own text when it is not a date); null when not given. */
  createdAt: z.string().nullable(),
  /** The connector's name it came from. */
  source: z.string(),
});
export type CrmTicket = z.infer<typeof CrmTicketSchema>;

/** One of the customer's last contacts with the center as the CRM records them (calls, mails, visits). */
export const CrmContactSchema = z.object({
  /** ISO 8601 (or the CRM's own text); null when not given. */
  at: z.string().nullable(),
  /** How (phone, email, chat, visit…), as the CRM names it; '' when not given. */
  channel: z.string(),
  summary: z.string(),
  /** Who handled it; '' when not given. */
  agent: z.string(),
  source: z.string(),
});
export type CrmContact = z.infer<typeof CrmContactSchema>;

/** What the connectors know beyond the contact fields; merged over every connector that matched. */
export const CrmInfoSchema = z.object({
  /** The customer's id in the CRM / directory (first connector that gave one); null when none. */
  customerId: z.string().nullable(),
  email: z.string(),
  title: z.string(),
  department: z.string(),
  /** Newest first, at most 20, each with its source. */
  openTickets: z.array(CrmTicketSchema),
  /** Newest first, at most 20, each with its source. */
  lastContacts: z.array(CrmContactSchema),
});
export type CrmInfo = z.infer<typeof CrmInfoSchema>;

/** What the caller card shows: who, and what happened before. */
export const ContactCardSchema = z.object({
  contact: ContactSchema,
  recent: z.array(InteractionSchema),
  openItems: z.array(InteractionSchema),
  interactionCount: z.number().int(),
  /**
   * true: `contact` is a stored contact of the local directory (its id works with
   * directory.card / history). false: only a connector knows the caller; `contact.id` is 0,
   * `contact` holds the connector's facts and `recent`/`openItems` are empty (offer "save
   * as contact"). Always sent by the lookup chain (screen pop, directory.lookupNumber).
   */
  inDirectory: z.boolean().optional(),
  /** Every source the lookup consulted, the local directory first, then connectors in settings order. Always sent by the lookup chain. */
  sources: z.array(CardSourceSchema).optional(),
  /** Facts from the CRM connectors; null when none matched or none is configured. Always sent by the lookup chain. */
  crm: CrmInfoSchema.nullable().optional(),
});
export type ContactCard = z.infer<typeof ContactCardSchema>;

/**
 * What the history timeline has besides the local interactions (calls from the call log,
 * notes, tickets): what a CRM connector last said about one of the contact's numbers — its
 * open tickets and the last contacts it records — from the connector cache, so each
 * entry is only as current as its `fetchedAt`.
 */
export const CRM_HISTORY_KINDS = ['crm_ticket', 'crm_contact'] as const;
export type CrmHistoryKind = (typeof CRM_HISTORY_KINDS)[number];
/** Every kind of history entry; the renderer names each (interaction.kind.*). */
export const HISTORY_KINDS = [...INTERACTION_KINDS, ...CRM_HISTORY_KINDS] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

const crmEntry = {
  /**
   * Where it stands in the timeline (UTC ISO 8601 with ms): the CRM's own date of the
   * ticket (`createdAt`) or contact (`at`) when it is a date and time, else `fetchedAt`.
   */
  occurredAt: z.string(),
  /** false: the CRM gave no date (or text that is not a date and time), so it stands where the answer was fetched. */
  dated: z.boolean(),
  /** When the connector gave the answer this entry is from (ISO 8601 with ms): the entry is as of then. */
  fetchedAt: z.string(),
  /** The connector's kind (its name is the ticket's or contact's `source`), for its label: CRM, LDAP. */
  connector: z.enum(['ldap', 'rest']),
  /** Names the entry within the contact's history: the same ticket (connector and id) under two numbers is one entry. */
  key: z.string(),
};

export const CrmTicketEntrySchema = z.object({ kind: z.literal('crm_ticket'), ...crmEntry, ticket: CrmTicketSchema });
export type CrmTicketEntry = z.infer<typeof CrmTicketEntrySchema>;
export const CrmContactEntrySchema = z.object({ kind: z.literal('crm_contact'), ...crmEntry, contact: CrmContactSchema });
export type CrmContactEntry = z.infer<typeof CrmContactEntrySchema>;
export type CrmHistoryEntry = CrmTicketEntry | CrmContactEntry;

/** One entry of the history timeline: a local interaction (`id`) or a CRM connector's (`key`). */
export const HistoryItemSchema = z.discriminatedUnion('kind', [InteractionSchema, CrmTicketEntrySchema, CrmContactEntrySchema]);
export type HistoryItem = z.infer<typeof HistoryItemSchema>;

export function isCrmEntry(item: HistoryItem): item is CrmHistoryEntry {
  return item.kind === 'crm_ticket' || item.kind === 'crm_contact';
}

/**
 * Newest first by `occurredAt`; at the same time, interactions (newest id first) before
 * CRM entries (by key).
 */
export const HistoryPageSchema = z.object({
  items: z.array(HistoryItemSchema),
  /** Pass back as `before` for the next (older) page; null when there is none. */
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;

export const IMPORT_FORMATS = ['csv', 'vcard'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

export const ImportRowErrorSchema = z.object({
  /** 1-based row (CSV: data row after the header; vCard: card number). */
  row: z.number().int(),
  code: z.enum(IMPORT_ROW_PROBLEMS),
  /** The verbatim part of the reason (the numbers, the contact); may be empty. */
  detail: z.string(),
  /** The whole reason in English, for logs and exported reports. */
  reason: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowErrorSchema>;

export const ImportReportSchema = z.object({
  importId: z.string(),
  format: ImportFormatSchema,
  /** The text encoding the file was read as (utf-8 or gbk). */
  encoding: z.string(),
  totalRows: z.number().int(),
  imported: z.number().int(),
  /** Rows that matched an existing contact by number and were merged into it. */
  merged: z.number().int(),
  /** Rows not imported, each with its reason. */
  errors: z.array(ImportRowErrorSchema),
  /** Rows imported with something left out (e.g. one of their numbers was not valid). */
  warnings: z.array(ImportRowErrorSchema),
  /** Columns the importer did not recognise and ignored. */
  ignoredColumns: z.array(z.string()),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImportProgressSchema = z.object({
  importId: z.string(),
  processed: z.number().int(),
  total: z.number().int(),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const CONNECTION_STATES = ['offline', 'connecting', 'online'] as const;
export const AGENT_STATES = ['logged_out', 'ready', 'not_ready', 'ringing', 'on_call', 'wrap_up'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/**
 * Why the line is not online, for the renderer to translate (null when registered):
 * - not_configured: no SIP account in settings
 * - no_password: the account's password is not in the secret store
 * - registering: a REGISTER is on its way (first time, or after a failure)
 * - auth_failed: the registrar refused the credentials (401/403/407 after digest)
 * - unreachable: no answer from the registrar, or the drachtio server cannot be reached
 * - rejected: the registrar answered with another failure (see connectionDetail)
 * - edge_failed: the embedded SIP edge could not start (e.g. its port is taken)
 */
export const CONNECTION_REASONS = [
  'not_configured',
  'no_password',
  'registering',
  'auth_failed',
  'unreachable',
  'rejected',
  'edge_failed',
] as const;
export type ConnectionReason = (typeof CONNECTION_REASONS)[number];

export const WorkstationStatusSchema = z.object({
  connection: z.enum(CONNECTION_STATES),
  /** Why the connection is not online, as the SIP detail (e.g. "403 Forbidden"), or null. */
  connectionDetail: z.string().nullable(),
  /** Machine-readable reason behind `connection` (see CONNECTION_REASONS); null when online. Always sent by the core. */
  connectionReason: z.enum(CONNECTION_REASONS).nullable().optional(),
  agentState: z.enum(AGENT_STATES),
  /** not_ready: the reason's code (see wrapup.options); else null. Always sent by the core. */
  agentStateReason: z.string().nullable().optional(),
  /** When agentState began (ISO 8601 with ms), for the state's running timer. Always sent by the core. */
  agentStateSince: z.string().nullable().optional(),
});
export type WorkstationStatus = z.infer<typeof WorkstationStatusSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  locale: LocaleSchema,
  /** Which process hosts the core: the Electron shell or the headless host. */
  host: z.enum(['electron', 'headless']),
  status: WorkstationStatusSchema,
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

// ---- Calls (desk-phone mode: Zuoxi rings, the agent's own SIP phone carries the audio)

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/**
 * ringing: an inbound call waits for Answer/Reject. dialing: an outbound (click-to-dial
 * or consult) call is being set up. active: talking. held: the customer is on hold.
 * ended: final; the summary is sent once more with outcome and cause, then forgotten.
 */
export const CALL_STATES = ['ringing', 'dialing', 'active', 'held', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const CALL_OUTCOMES = ['answered', 'missed', 'rejected', 'transferred', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * Why a call ended, for the renderer to translate; `endDetail` carries the SIP status
 * when there is one (e.g. "486 Busy Here").
 */
export const CALL_END_CAUSES = [
  'remote_hangup', // the customer hung up
  'local_hangup', // the agent hung up (Zuoxi or the desk phone)
  'caller_cancelled', // the customer gave up while it rang (missed)
  'rejected', // the agent rejected (busy or decline)
  'transferred', // blind or attended transfer completed
  'desk_phone_failed', // the agent's phone did not answer the bridge
  'remote_failed', // the customer's side failed or did not answer (outbound)
  'shutdown', // Zuoxi stopped with the call up
] as const;
export type CallEndCause = (typeof CALL_END_CAUSES)[number];

export const CallPartySchema = z.object({
  /** The number or SIP user as signalled; null when the caller withheld it. */
  number: z.string().nullable(),
  /** The number in E.164 when it is a phone number, else null. */
  e164: z.string().nullable(),
  /** Caller-supplied display name (data, never markup); '' when none. */
  displayName: z.string(),
  /** The caller withheld their identity (anonymous): show "withheld", not a number. */
  withheld: z.boolean(),
});
export type CallParty = z.infer<typeof CallPartySchema>;

/** One call as the call bar shows it; pushed as `calls.changed` on every change. */
export const CallSummarySchema = z.object({
  /** The customer leg's SIP Call-ID: the id every calls.* channel takes. */
  id: z.string(),
  direction: z.enum(CALL_DIRECTIONS),
  state: z.enum(CALL_STATES),
  /** The customer (inbound: the caller; outbound: who we dialled). */
  remote: CallPartySchema,
  /** The number the customer dialled (inbound; which line/queue) or we dialled (outbound). */
  dialled: z.string().nullable(),
  /**
   * The customer's card, looked up before the call is answered; null when no source knows
   * the caller. It can change while the call is up (a CRM connector answering late): the
   * call is pushed again with the new card.
   */
  card: ContactCardSchema.nullable(),
  /** When it started ringing (inbound) or dialing (outbound), ISO 8601 with ms. */
  ringAt: z.string(),
  answerAt: z.string().nullable(),
  endAt: z.string().nullable(),
  outcome: z.enum(CALL_OUTCOMES).nullable(),
  endCause: z.enum(CALL_END_CAUSES).nullable(),
  /** SIP detail behind endCause or a failed action (e.g. "486 Busy Here"). */
  endDetail: z.string().nullable(),
  /** For a consult call (attended transfer): the id of the call it consults for. */
  consultFor: z.string().nullable(),
});
export type CallSummary = z.infer<typeof CallSummarySchema>;

/** One row of the call log (every offered call, whatever came of it). */
export const CallLogEntrySchema = z.object({
  id: z.number().int(),
  callId: z.string(),
  direction: z.enum(CALL_DIRECTIONS),
  remoteNumber: z.string().nullable(),
  remoteE164: z.string().nullable(),
  remoteName: z.string(),
  dialled: z.string().nullable(),
  contactId: z.number().int().nullable(),
  ringAt: z.string(),
  answerAt: z.string().nullable(),
  endAt: z.string(),
  outcome: z.enum(CALL_OUTCOMES),
  cause: z.enum(CALL_END_CAUSES),
  causeDetail: z.string().nullable(),
});
export type CallLogEntry = z.infer<typeof CallLogEntrySchema>;

export const CallLogPageSchema = z.object({
  items: z.array(CallLogEntrySchema),
  /** Pass back as `before` for the next (older) page; null when there is none. */
  nextCursor: z.number().int().nullable(),
});
export type CallLogPage = z.infer<typeof CallLogPageSchema>;

// ---- Settings as the settings screen sees them: every value with the layer it came from
// (built-in default < the agent's own < IT's policy). A policy value is read-only for the
// agent. Secrets are never settings: the SIP password is only said to be stored or not.

export const SETTING_LAYERS = ['default', 'user', 'policy'] as const;
export const SettingLayerSchema = z.enum(SETTING_LAYERS);
export type SettingLayer = z.infer<typeof SettingLayerSchema>;

/** What a saved change does now: applied at once, once the calls in progress end, or at the next start of Zuoxi. */
export const SETTING_APPLIES = ['now', 'after_calls', 'next_start'] as const;
export type SettingApplies = (typeof SETTING_APPLIES)[number];

/** The agent's extension as stored (the core's settings schema validates it; this only describes it). */
export const SipAccountViewSchema = z.object({
  registrar: z.string(),
  domain: z.string(),
  user: z.string(),
  authUsername: z.string().nullable(),
  displayName: z.string(),
  transport: z.enum(['udp', 'tcp']),
  registerExpires: z.number().int(),
  /** The secret's name in the secret store, never the password itself. */
  passwordSecret: z.string(),
});
export type SipAccountView = z.infer<typeof SipAccountViewSchema>;

export const SipEdgeViewSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('embedded'), host: z.string(), udpPort: z.number().int(), tcpPort: z.number().int() }),
  z.object({ mode: z.literal('external'), host: z.string(), port: z.number().int(), secretName: z.string() }),
]);
export type SipEdgeView = z.infer<typeof SipEdgeViewSchema>;

const settingEntry = <T extends z.ZodType>(value: T) => z.object({ value, layer: SettingLayerSchema });

export const SettingsViewSchema = z.object({
  values: z
    .object({
      locale: settingEntry(LocaleSchema),
      defaultRegion: settingEntry(z.string()),
      logLevel: settingEntry(z.string()),
      sipAccount: settingEntry(SipAccountViewSchema.nullable()),
      deskPhoneUri: settingEntry(z.string().nullable()),
      sipEdge: settingEntry(SipEdgeViewSchema),
      notifyWhenFocused: settingEntry(z.boolean()),
    })
    // Settings added later (e.g. CRM connectors) still come with their layer.
    .catchall(settingEntry(z.unknown())),
  /** Whether the SIP account's password is in the secret store; the password itself never leaves the core. */
  passwordStored: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const SettingUpdateResultSchema = z.object({
  settings: SettingsViewSchema,
  applies: z.enum(SETTING_APPLIES),
});
export type SettingUpdateResult = z.infer<typeof SettingUpdateResultSchema>;

/**
 * A tel: or sip: link the OS handed to Zuoxi: the number goes into the dial pad and the
 * agent presses Call (a link never dials by itself).
 */
export const DialRequestSchema = z.object({
  /** What to dial, as the contract's calls.dial accepts it (a number, an extension or a sip: URI). */
  number: z.string().min(1).max(256),
  source: z.enum(['tel', 'sip']),
});
export type DialRequest = z.infer<typeof DialRequestSchema>;
