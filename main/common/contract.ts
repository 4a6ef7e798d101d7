import { z } from 'zod';
import {
  AppInfoSchema,
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
  WorkstationStatusSchema,
} from './domain';
import type { PushName } from './constants';
import type { Reply } from './errors';

// The one IPC contract. Every channel the renderer can call, and every push the core
// can send, is declared here once; the preload, the router, the WebSocket host and
// renderer/api all derive their types from these two maps.

const channel = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

const MAX_IMPORT_BASE64 = 70 * 1024 * 1024; // ~50 MB of file

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
  /** Caller identity → card; null when no contact has that number. */
  'directory.lookupNumber': channel(
    z.object({ number: z.string().min(1).max(64) }).strict(),
    z.object({ e164: z.string().nullable(), card: ContactCardSchema.nullable() }),
  ),
  'directory.saveContact': channel(
    z.object({ contactId: z.number().int().positive().nullable(), contact: ContactInputSchema }).strict(),
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
} as const;

export const pushes = {
  'directory.importProgress': ImportProgressSchema,
  'status.changed': WorkstationStatusSchema,
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
