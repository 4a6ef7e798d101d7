/**
 * What every CRM connector (LDAP, REST) gives the lookup chain: the customer behind a
 * number as plain, length-limited text, or null when the source does not know the number.
 * Connectors throw ConnectorError only, with a code the card shows and a detail for the
 * log that never holds a secret or the caller's number.
 */
import { z } from 'zod';
import type { ConnectorErrorCode } from '../../../common/domain';
import type { SecretProvider } from '../../secrets';
import { canExpand, expandTemplate, type NumberVariants } from './number-variants';

export interface ConnectorTicket {
  id: string;
  title: string;
  status: string;
  createdAt: string | null;
}

export interface ConnectorContact {
  at: string | null;
  channel: string;
  summary: string;
  agent: string;
}

/** A customer as one connector knows them. Empty strings mean "not given". */
export interface ConnectorRecord {
  name: string;
  company: string;
  tier: string;
  customerId: string;
  email: string;
  title: string;
  department: string;
  openTickets: ConnectorTicket[];
  lastContacts: ConnectorContact[];
}

export interface Connector {
  readonly kind: 'ldap' | 'rest';
  readonly name: string;
  /** The connector gives up after this long; the chain enforces it too. */
  readonly timeoutMs: number;
  /** Whether every number form its template needs is known (an extension has no E.164 form). */
  accepts(variants: NumberVariants): boolean;
  /** The customer with this number, or null. Throws ConnectorError; stops work when `signal` aborts. */
  find(variants: NumberVariants, signal: AbortSignal): Promise<ConnectorRecord | null>;
}

export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    /** English, for the log and the card's tooltip; no secret, no customer data. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ConnectorError';
  }
}

/**
 * What the LDAP and REST connectors share: their settings' name and timeout, a template
 * the number's forms are put into (each escaped for where it lands), and secrets that
 * must be in the store.
 */
export abstract class TemplateConnector<S extends { name: string; timeoutMs: number }> implements Connector {
  abstract readonly kind: Connector['kind'];

  constructor(
    protected readonly settings: S,
    private readonly secrets: SecretProvider,
    /** The template the number's forms go into: an LDAP filter or a URL. */
    private readonly template: (settings: S) => string,
    /** How one form is escaped for that template. */
    private readonly escape: (value: string) => string,
  ) {}

  get name(): string {
    return this.settings.name;
  }

  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  accepts(variants: NumberVariants): boolean {
    return canExpand(this.template(this.settings), variants);
  }

  /** The template with this number's forms in it, escaped. */
  protected expand(variants: NumberVariants): string {
    return expandTemplate(this.template(this.settings), variants, this.escape);
  }

  /** A secret the connector cannot authenticate without; its absence is an auth failure. */
  protected async requiredSecret(name: string, what: string): Promise<string> {
    const value = await this.secrets.get(name);
    if (value === null) throw new ConnectorError('auth_failed', `the ${what} "${name}" is not in the secret store`);
    return value;
  }

  abstract find(variants: NumberVariants, signal: AbortSignal): Promise<ConnectorRecord | null>;
}

// Caller- and CRM-supplied text is shown as text; these caps keep a 10 KB field from
// flooding the card, the push and the cache. Contact fields match ContactInputSchema.
export const TEXT_LIMITS = {
  name: 200,
  company: 200,
  tier: 32,
  customerId: 100,
  email: 254,
  title: 200,
  department: 200,
  ticketId: 100,
  ticketTitle: 500,
  ticketStatus: 50,
  time: 64,
  channel: 50,
  summary: 1000,
  agent: 100,
} as const;
/** Per connector and lookup; the card shows at most 20 of each over all connectors. */
export const MAX_LIST_ITEMS = 50;

/** At most `max` characters (code points), cut with an ellipsis; control characters become spaces (newlines kept where `multiline`). */
export function cleanText(value: string, max: number, multiline = false): string {
  // eslint-disable-next-line no-control-regex
  const controls = multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]+/g : /[\u0000-\u001f\u007f]+/g;
  const text = value.replace(controls, ' ').trim();
  // Cheap test first: most values are far below the cap.
  if (text.length <= max) return text;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Whether the record says anything about the customer (a reply with no mapped fact is "not found"). */
export function hasFacts(record: ConnectorRecord): boolean {
  return (
    record.name !== '' ||
    record.company !== '' ||
    record.tier !== '' ||
    record.customerId !== '' ||
    record.email !== '' ||
    record.title !== '' ||
    record.department !== '' ||
    record.openTickets.length > 0 ||
    record.lastContacts.length > 0
  );
}

const capped = (max: number) => z.string().transform((value) => cleanText(value, max));
const cappedLines = (max: number) => z.string().transform((value) => cleanText(value, max, true));
const cappedOrNull = (max: number) => z.string().nullable().transform((value) => (value === null ? null : cleanText(value, max)));

/**
 * A record as connectors build it and as the cache stores it; parsing it cuts every text
 * to its limit, so nothing longer reaches the card whichever way the record came.
 */
export const ConnectorRecordSchema = z.object({
  name: capped(TEXT_LIMITS.name),
  company: capped(TEXT_LIMITS.company),
  tier: capped(TEXT_LIMITS.tier),
  customerId: capped(TEXT_LIMITS.customerId),
  email: capped(TEXT_LIMITS.email),
  title: capped(TEXT_LIMITS.title),
  department: capped(TEXT_LIMITS.department),
  openTickets: z
    .array(
      z.object({
        id: capped(TEXT_LIMITS.ticketId),
        title: cappedLines(TEXT_LIMITS.ticketTitle),
        status: capped(TEXT_LIMITS.ticketStatus),
        createdAt: cappedOrNull(TEXT_LIMITS.time),
      }),
    )
    .transform((items) => items.slice(0, MAX_LIST_ITEMS)),
  lastContacts: z
    .array(
      z.object({
        at: cappedOrNull(TEXT_LIMITS.time),
        channel: capped(TEXT_LIMITS.channel),
        summary: cappedLines(TEXT_LIMITS.summary),
        agent: capped(TEXT_LIMITS.agent),
      }),
    )
    .transform((items) => items.slice(0, MAX_LIST_ITEMS)),
});

export const EMPTY_RECORD: ConnectorRecord = {
  name: '',
  company: '',
  tier: '',
  customerId: '',
  email: '',
  title: '',
  department: '',
  openTickets: [],
  lastContacts: [],
};

/** A connector's raw findings as a clean record: every text cut to its limit. */
export function toRecord(fields: Partial<ConnectorRecord>): ConnectorRecord {
  return ConnectorRecordSchema.parse({ ...EMPTY_RECORD, ...fields });
}
