/**
 * Property: paging through any mix of calls, notes and CRM tickets — sharing times, under
 * two numbers and two connectors, dated or not — with any page size yields each entry
 * exactly once, in the history's order (history-cursor.ts).
 */
import fc from 'fast-check';
import type { HistoryItem, InteractionKind } from '../../../main/common/domain';
import { ConnectorCache } from '../../../main/core/directory/connector-cache';
import { toRecord } from '../../../main/core/directory/connectors/connector';
import { RestConnectorSchema } from '../../../main/core/directory/connectors/connector-settings';
import { DirectoryService } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { openTempStore, type TempStore } from '../store/temp-store';

jest.setTimeout(120_000);

const CONNECTORS = ['crm-a', 'crm-b'] as const;
// Few distinct times, so entries often share one and the order falls to the tie-breaks.
const TIMES = ['2025-01-01T09:00:00.000Z', '2025-01-01T10:00:00.000Z', '2025-01-02T09:00:00.000Z'];
const time = fc.constantFrom(...TIMES);

const interactions = fc.array(fc.record({ kind: fc.constantFrom<InteractionKind>('call_in', 'call_out', 'note', 'ticket'), at: time }), { maxLength: 12 });
/** A ticket's own date: one of the times (written with an offset sometimes), none, or the CRM's text. */
const createdAt = fc.oneof(
  time,
  time.map((iso) => iso.replace('T09:00:00.000Z', 'T17:00:00+08:00')),
  fc.constant(null),
  fc.constant('昨天'),
);
/** A ticket is the same wherever it appears: its content is a function of connector and id. */
const tickets = fc.array(fc.record({ connector: fc.constantFrom(...CONNECTORS), id: fc.integer({ min: 1, max: 6 }), createdAt }), { maxLength: 10 });
/** Which (number, connector) cache rows there are, when fetched, and which tickets each holds. */
const rows = fc.array(
  fc.record({ number: fc.integer({ min: 0, max: 1 }), connector: fc.constantFrom(...CONNECTORS), fetchedAt: time, picks: fc.array(fc.nat(), { maxLength: 6 }) }),
  { maxLength: 4 },
);

/** The documented order, written out independently of the core's: newer first; at one time interactions (newest id first), then CRM entries by key. */
function before(a: HistoryItem, b: HistoryItem): boolean {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt;
  if ('id' in a) return 'id' in b ? a.id > b.id : true;
  return 'id' in b ? false : a.key > b.key;
}

const nameOf = (item: HistoryItem) => ('id' in item ? `i${item.id}` : item.kind === 'crm_ticket' ? `${item.ticket.source}/${item.ticket.id}` : 'contact');

describe('history paging', () => {
  let store: TempStore;
  let directory: DirectoryService;
  let cache: ConnectorCache;
  let next = 0;

  beforeAll(async () => {
    store = await openTempStore();
    const settings = {
      crmConnectors: CONNECTORS.map((name) => RestConnectorSchema.parse({ kind: 'rest', name, urlTemplate: 'http://crm.invalid/?phone={e164}' })),
      lookupDeadlineMs: 150,
      cacheTtlSeconds: 0,
    };
    directory = new DirectoryService(store.db, { defaultRegion: 'CN', lookup: { settings: () => settings, secrets: new MemorySecretProvider() } }, silentLogger, () => new Date());
    cache = new ConnectorCache(store.db, silentLogger);
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('yields every call, note and ticket exactly once, in order, whatever the page size', async () => {
    await fc.assert(
      fc.asyncProperty(interactions, tickets, rows, fc.integer({ min: 1, max: 7 }), async (local, crm, cached, size) => {
        // A contact of its own with two numbers of its own, so runs do not see each other's rows.
        next += 1;
        const numbers = [0, 1].map((n) => `139${String(next * 2 + n).padStart(8, '0')}`);
        const { contact } = await directory.saveContact(null, { name: `p${next}`, numbers: numbers.map((raw) => ({ raw })) });
        const ids: number[] = [];
        for (const { kind, at } of local) ids.push((await directory.addInteraction({ contactId: contact.id, kind, occurredAt: at })).id);

        // What the CRM entries must be: one per (connector, id) in any row, at its own date or its latest fetch.
        const expected = new Map<string, { occurredAt: string; dated: boolean }>();
        for (const row of cached) {
          const held = crm.length === 0 ? [] : row.picks.map((pick) => crm[pick % crm.length]!).filter((ticket) => ticket.connector === row.connector);
          const first = new Map(held.map((ticket) => [ticket.id, crm.find((other) => other.connector === ticket.connector && other.id === ticket.id)!]));
          const openTickets = [...first.values()].map((ticket) => ({ id: `T${ticket.id}`, title: `title ${ticket.id}`, status: 'open', createdAt: ticket.createdAt }));
          const fetchedAt = row.fetchedAt;
          await cache.put(`+86${numbers[row.number]}`, { connector: row.connector, record: toRecord({ openTickets }), fetchedAt });
        }
        // Read back what the cache kept (a later put of the same number and connector replaces an older one).
        const kept = await store.db.all<{ connector: string; record: string; fetched_at: string }>(
          `SELECT connector, record, fetched_at FROM connector_cache WHERE lookup_key IN (?, ?) AND matched = 1`,
          numbers.map((number) => `+86${number}`),
        );
        for (const row of kept) {
          for (const ticket of (JSON.parse(row.record) as { openTickets: { id: string; createdAt: string | null }[] }).openTickets) {
            const name = `${row.connector}/${ticket.id}`;
            const own = ticket.createdAt !== null && ticket.createdAt.includes('T') ? new Date(ticket.createdAt).toISOString() : null;
            const previous = expected.get(name);
            const occurredAt = own ?? (previous && previous.occurredAt > row.fetched_at ? previous.occurredAt : row.fetched_at);
            expected.set(name, { occurredAt, dated: own !== null });
          }
        }

        const paged: HistoryItem[] = [];
        let cursor: string | null = null;
        const sizes: number[] = [];
        do {
          const page = await directory.history(contact.id, cursor, size);
          paged.push(...page.items);
          sizes.push(page.items.length);
          cursor = page.nextCursor;
        } while (cursor !== null && sizes.length <= 100);

        const names = paged.map(nameOf);
        // Exactly once each: every interaction and every distinct ticket, nothing else.
        expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
        expect([...names].sort()).toEqual([...ids.map((id) => `i${id}`), ...expected.keys()].sort());
        // Where each ticket stands.
        for (const item of paged) if (item.kind === 'crm_ticket') expect([nameOf(item), item.occurredAt, item.dated]).toEqual([nameOf(item), expected.get(nameOf(item))!.occurredAt, expected.get(nameOf(item))!.dated]);
        // In order, and in pages that are full until the last.
        for (let n = 1; n < paged.length; n += 1) expect([names[n - 1], names[n], before(paged[n - 1]!, paged[n]!)]).toEqual([names[n - 1], names[n], true]);
        expect(sizes.slice(0, -1).every((count) => count === size)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
