import type { CallSummary, Interaction } from './domain';

// What a desktop notification says about a ringing call, shared by the Electron shell
// (OS notifications with Answer / Decline) and the renderer (the Web Notification API in
// the browser host). Only types are imported, so the renderer bundle stays free of zod.

export interface RingingCallFacts {
  /** The contact's name, else the caller's own display name; null when neither is known. */
  name: string | null;
  /** The number as the customer's phone sent it (E.164 when known); null when withheld or absent. */
  number: string | null;
  withheld: boolean;
  tier: string | null;
  /**
   * What the caller last came about: the newest open item (the center's own, else an open
   * CRM ticket), else the newest earlier contact (the center's, else the CRM's); null when
   * there is none.
   */
  lastIssue: string | null;
}

/** Long enough for a name or a one-line issue; a notification shows about two lines of body. */
export const NOTICE_FIELD_MAX = 80;

/** Notify for calls that ring for the agent: inbound, still ringing, not a colleague's consult leg. */
export function isRingingForAgent(call: CallSummary): boolean {
  return call.direction === 'inbound' && call.state === 'ringing' && call.consultFor === null;
}

export function ringingCallFacts(call: CallSummary, max = NOTICE_FIELD_MAX): RingingCallFacts {
  const card = call.card;
  const withheld = call.remote.withheld;
  const crm = card?.crm ?? null;
  const issue = card
    ? (lastIssueOf(card.openItems) ??
      firstText(crm?.openTickets.map((ticket) => ticket.title)) ??
      lastIssueOf(card.recent) ??
      firstText(crm?.lastContacts.map((contact) => contact.summary)))
    : null;
  return {
    name: plainLine(card?.contact.name || call.remote.displayName, max),
    number: withheld ? null : plainLine(call.remote.e164 ?? call.remote.number ?? '', max),
    withheld,
    tier: plainLine(card?.contact.tier ?? '', max),
    lastIssue: issue === null ? null : plainLine(issue, max),
  };
}

function lastIssueOf(items: readonly Interaction[]): string | null {
  return firstText(items.map((item) => item.summary.trim() || item.outcome));
}

function firstText(texts: readonly string[] | undefined): string | null {
  return texts?.find((text) => text.trim() !== '') ?? null;
}

// C0/C1 controls (a newline in a display name must not forge a line of its own), and the
// bidi overrides and isolates that could make "+86 138…" read as another number.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Caller-supplied text as one plain line: controls dropped, whitespace collapsed, cut
 * with an ellipsis at `max` characters (by code point, so a surrogate pair is never
 * split). null when nothing is left.
 */
export function plainLine(text: string, max = NOTICE_FIELD_MAX): string | null {
  const line = text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return null;
  const chars = Array.from(line);
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : line;
}
