/**
 * The CRM connectors' part of a contact's history: the open tickets and last contacts
 * their cached answers hold for any of the contact's numbers, as timeline entries marked
 * with the connector and when it answered.
 *
 * - Placement: an entry stands at the CRM's own date and time (the ticket's `createdAt`,
 *   the contact's `at`) when it is one — ISO 8601 with a time; without an offset it is
 *   read as the seat's local time. A date without a time, the CRM's own text ("昨天") or
 *   none at all stands at the time the answer was fetched: the latest moment the CRM is
 *   known to have said it, and where the agent will look for "what the CRM said on that
 *   call". Such an entry is marked `dated: false` and shows no date of its own.
 * - One entry per ticket: a ticket of one connector (by id, or by its text when the CRM
 *   gives it no id) under two of the contact's numbers is shown once, as of the later
 *   answer. A contact the CRM records is one entry per connector and content.
 * - Text is the record's, which the cache cuts to the connectors' limits when it reads it.
 */
import { createHash } from 'node:crypto';
import type { CrmHistoryEntry } from '../../common/domain';
import type { CachedAnswer } from './connector-cache';
import type { Connector } from './connectors/connector';
import { compareNewestFirst, placeOf } from './history-cursor';

/**
 * Entries from the records in `answers` (latest fetched first), newest first. Only
 * connectors in `connectors` (enabled in settings, by name → kind) count: a connector IT
 * removed or disabled is no longer shown, as on the card, though its answers stay cached
 * until they are pruned.
 */
export function crmHistoryEntries(answers: readonly CachedAnswer[], connectors: ReadonlyMap<string, Connector['kind']>): CrmHistoryEntry[] {
  const entries = new Map<string, CrmHistoryEntry>();
  const add = (entry: CrmHistoryEntry) => {
    // The first answer with the entry is the latest fetched.
    if (!entries.has(entry.key)) entries.set(entry.key, entry);
  };
  for (const { connector: source, record, fetchedAt } of answers) {
    const connector = connectors.get(source);
    if (!record || !connector) continue;
    const at = (time: string | null) => {
      const own = dateTimeOf(time);
      return { occurredAt: own ?? fetchedAt, dated: own !== null, fetchedAt, connector };
    };
    for (const ticket of record.openTickets) {
      const identity = ticket.id !== '' ? [ticket.id] : ['', ticket.title, ticket.status, ticket.createdAt];
      add({ kind: 'crm_ticket', ...at(ticket.createdAt), key: keyOf('ticket', source, identity), ticket: { ...ticket, source } });
    }
    for (const contact of record.lastContacts) {
      const identity = [contact.at, contact.channel, contact.agent, contact.summary];
      add({ kind: 'crm_contact', ...at(contact.at), key: keyOf('contact', source, identity), contact: { ...contact, source } });
    }
  }
  return [...entries.values()].sort((a, b) => compareNewestFirst(placeOf(a), placeOf(b)));
}

/** A CRM time as UTC ISO 8601 with ms, which sorts as text with the interactions' times; null when it is no date and time. */
export function dateTimeOf(value: string | null): string | null {
  if (value === null || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  // Years past 9999 are written with a sign and would not sort as text.
  return /^\d{4}-/.test(iso) ? iso : null;
}

/** Short (the history cursor carries it, and the contract caps the cursor at 100 characters) and the same for the same entry. */
function keyOf(kind: 'ticket' | 'contact', connector: string, identity: readonly (string | null)[]): string {
  return createHash('sha256').update(JSON.stringify([kind, connector, ...identity])).digest('base64url').slice(0, 22);
}
