import { isCrmEntry, type HistoryItem } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';

/**
 * A place in a contact's history, which is in one order over its interactions and its CRM
 * entries: newest `occurredAt` first; at the same time interactions, newest id first, then
 * CRM entries by key (descending). An interaction is (occurredAt, id, ''), a CRM entry
 * (occurredAt, 0, key): ids start at 1, so the tuples sort the way the order says, and
 * "interactions strictly older than a place" is the keyset (occurred_at, id) < (occurredAt, id)
 * the history index is ordered by, wherever the place is.
 */
export interface HistoryPlace {
  occurredAt: string;
  id: number;
  key: string;
}

export function placeOf(item: HistoryItem): HistoryPlace {
  return isCrmEntry(item) ? { occurredAt: item.occurredAt, id: 0, key: item.key } : { occurredAt: item.occurredAt, id: item.id, key: '' };
}

/** Negative when `a` comes first in the history (is newer), positive when `b` does, 0 for the same place. */
export function compareNewestFirst(a: HistoryPlace, b: HistoryPlace): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  if (a.id !== b.id) return b.id - a.id;
  return a.key === b.key ? 0 : a.key > b.key ? -1 : 1;
}

// The cursor is opaque to callers so its contents can change; today it is the last item's
// place: [occurredAt, id] after an interaction (as before CRM entries were in the history),
// [occurredAt, 0, key] after a CRM entry.

export function encodeHistoryCursor(place: HistoryPlace): string {
  const parts = place.key === '' ? [place.occurredAt, place.id] : [place.occurredAt, 0, place.key];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeHistoryCursor(cursor: string): HistoryPlace {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (Array.isArray(decoded) && (decoded.length === 2 || decoded.length === 3)) {
    const [occurredAt, id, key = ''] = decoded as unknown[];
    const valid =
      typeof occurredAt === 'string' &&
      typeof id === 'number' &&
      Number.isSafeInteger(id) &&
      typeof key === 'string' &&
      // After an interaction (a positive id, no key) or after a CRM entry (id 0 and its key).
      (decoded.length === 2 ? id > 0 : id === 0 && key !== '');
    if (valid) return { occurredAt, id, key };
  }
  throw new ZuoxiError('invalid_input', 'The history cursor is not one this directory handed out');
}
