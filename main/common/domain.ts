import { z } from 'zod';

// Domain shapes shared by core, shell and renderer. Caller-supplied text (names,
// companies, notes, CRM fields) is plain data everywhere: nothing here is markup.

import { LOCALES } from './constants';

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

/** What the caller card shows: who, and what happened before. */
export const ContactCardSchema = z.object({
  contact: ContactSchema,
  recent: z.array(InteractionSchema),
  openItems: z.array(InteractionSchema),
  interactionCount: z.number().int(),
});
export type ContactCard = z.infer<typeof ContactCardSchema>;

export const HistoryPageSchema = z.object({
  items: z.array(InteractionSchema),
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
  errors: z.array(ImportRowErrorSchema),
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

export const WorkstationStatusSchema = z.object({
  connection: z.enum(CONNECTION_STATES),
  /** Why the connection is not online (shown in the status bar), or null. */
  connectionDetail: z.string().nullable(),
  agentState: z.enum(AGENT_STATES),
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
