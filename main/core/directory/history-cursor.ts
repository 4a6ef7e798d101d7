import { ZuoxiError } from '../../common/errors';
import type { HistoryPosition } from '../store/contact-repository';

// The cursor is opaque to callers so its contents can change; today it is the last
// item's (occurredAt, id), the keyset the history index is ordered by.

export function encodeHistoryCursor(position: HistoryPosition): string {
  return Buffer.from(JSON.stringify([position.occurredAt, position.id]), 'utf8').toString('base64url');
}

export function decodeHistoryCursor(cursor: string): HistoryPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (Array.isArray(decoded) && decoded.length === 2) {
    const [occurredAt, id] = decoded as unknown[];
    if (typeof occurredAt === 'string' && typeof id === 'number' && Number.isSafeInteger(id)) return { occurredAt, id };
  }
  throw new ZuoxiError('invalid_input', 'The history cursor is not one this directory handed out');
}
