/**
 * The CRM connectors' tickets and last contacts in a contact's history (directory.history):
 * read from the connector cache rows of the contact's numbers, in time order with the
 * calls and notes, each marked with its connector and when the CRM answered.
 */
import { HistoryPageSchema, type CrmTicketEntry, type HistoryItem } from '../../../main/common/domain';
import { ConnectorCache } from '../../../main/core/directory/connector-cache';
import { TEXT_LIMITS, type ConnectorContact, type ConnectorRecord, type ConnectorTicket } from '../../../main/core/directory/connectors/connector';
import { RestConnectorSchema, type ConnectorSettings } from '../../../main/core/directory/connectors/connector-settings';
import { DirectoryService } from '../../../main/core/directory/directory-service';
import type { LookupChainSettings } from '../../../main/core/directory/lookup-chain';
import { silentLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { openTempStore, type TempStore } from '../store/temp-store';

const NOW = new Date('2025-03-01T08:00:00.000Z');
const MOBILE = '+8613800138000';
const WORK = '+861065529988';

const rest = (name: string, enabled = true): ConnectorSettings =>
  RestConnectorSchema.parse({ kind: 'rest', name, enabled, urlTemplate: 'http://crm.invalid/api/customers?phone={e164}' });

const ticket = (id: string, createdAt: string | null, title = `工单 ${id}`): ConnectorTicket => ({ id, title, status: 'open', createdAt });
const record = (openTickets: ConnectorTicket[], lastContacts: ConnectorContact[] = []): ConnectorRecord => ({
  name: '王芳',
  company: '',
  tier: '',
  customerId: 'C-1',
  email: '',
  title: '',
  department: '',
  openTickets,
  lastContacts,
});

/** What the timeline shows of an entry: the kind, and the interaction's summary or the ticket's id. */
const brief = (item: HistoryItem) =>
  item.kind === 'crm_ticket' ? `crm:${item.ticket.source}:${item.ticket.id}` : item.kind === 'crm_contact' ? `crm-contact:${item.contact.summary}` : item.summary;

describe('the CRM in the history', () => {
  let store: TempStore;
  let directory: DirectoryService;
  let cache: ConnectorCache;
  let settings: LookupChainSettings;
  let contactId: number;

  beforeEach(async () => {
    store = await openTempStore();
    settings = { crmConnectors: [rest('crm-main'), rest('crm-b')], lookupDeadlineMs: 150, cacheTtlSeconds: 0 };
    directory = new DirectoryService(store.db, { defaultRegion: 'CN', lookup: { settings: () => settings, secrets: new MemorySecretProvider() } }, silentLogger, () => NOW);
    cache = new ConnectorCache(store.db, silentLogger);
    const saved = await directory.saveContact(null, { name: '王芳', numbers: [{ raw: '13800138000' }, { raw: '010 6552 9988' }] });
    contactId = saved.contact.id;
  });
  afterEach(async () => {
    await store.dispose();
  });

  const put = (number: string, connector: string, fetchedAt: string, answer: ConnectorRecord | null) =>
    cache.put(number, { connector, record: answer, fetchedAt });
  const all = async () => (await directory.history(contactId, null, 500)).items;

  it('puts the tickets of every number in time order with the calls and notes, as of their fetch, from their connector', async () => {
    await directory.addInteraction({ contactId, kind: 'call_in', occurredAt: '2025-01-02T09:00:00Z', summary: 'call' });
    await directory.addInteraction({ contactId, kind: 'note', occurredAt: '2025-01-02T11:00:00Z', summary: 'note' });
    await put(MOBILE, 'crm-main', '2025-03-01T01:14:00.000Z', record([ticket('T-1', '2025-01-02T10:30:00Z')]));
    // The CRM's own offset: 08:00 in Beijing is midnight UTC, before the call.
    await put(WORK, 'crm-main', '2025-02-01T06:00:00.000Z', record([ticket('T-2', '2025-01-01T08:00:00+08:00')]));

    const items = await all();
    expect(items.map(brief)).toEqual(['note', 'crm:crm-main:T-1', 'call', 'crm:crm-main:T-2']);
    expect(items[1]).toEqual({
      kind: 'crm_ticket',
      occurredAt: '2025-01-02T10:30:00.000Z',
      dated: true,
      fetchedAt: '2025-03-01T01:14:00.000Z',
      connector: 'rest',
      key: expect.stringMatching(/^[\w-]{22}$/),
      ticket: { id: 'T-1', title: '工单 T-1', status: 'open', createdAt: '2025-01-02T10:30:00Z', source: 'crm-main' },
    });
    expect(items[3]).toMatchObject({ occurredAt: '2025-01-01T00:00:00.000Z', dated: true, fetchedAt: '2025-02-01T06:00:00.000Z' });
    // As the contract sends it: nothing the schema does not know, nothing it lacks.
    const page = await directory.history(contactId, null, 3);
    expect(HistoryPageSchema.parse(page)).toEqual(page);
  });

  it('shows a ticket one connector has under two numbers once, as of the later answer; another connector’s same id is its own', async () => {
    await put(MOBILE, 'crm-main', '2025-02-01T06:00:00.000Z', record([ticket('T-1', '2025-01-02T10:30:00Z', 'old title')]));
    await put(WORK, 'crm-main', '2025-03-01T01:14:00.000Z', record([ticket('T-1', '2025-01-02T10:30:00Z', 'new title'), ticket('T-9', null)]));
    await put(WORK, 'crm-b', '2025-02-15T00:00:00.000Z', record([ticket('T-1', '2025-01-02T10:30:00Z')]));

    const tickets = (await all()) as CrmTicketEntry[];
    const shown = tickets.map((entry) => [entry.ticket.source, entry.ticket.id, entry.ticket.title, entry.fetchedAt]);
    // T-9 has no date: it stands where its answer was fetched, after T-1's date.
    expect(shown[0]).toEqual(['crm-main', 'T-9', '工单 T-9', '2025-03-01T01:14:00.000Z']);
    // The two T-1 share their time (their order is by key).
    expect(shown.slice(1).sort()).toEqual([
      ['crm-b', 'T-1', '工单 T-1', '2025-02-15T00:00:00.000Z'],
      ['crm-main', 'T-1', 'new title', '2025-03-01T01:14:00.000Z'],
    ]);
  });

  it('places a ticket without a date and time of its own at the time the CRM answer was fetched, and says it has none', async () => {
    await directory.addInteraction({ contactId, kind: 'note', occurredAt: '2025-02-20T00:00:00Z', summary: 'later note' });
    await directory.addInteraction({ contactId, kind: 'note', occurredAt: '2025-02-10T00:00:00Z', summary: 'earlier note' });
    await put(MOBILE, 'crm-main', '2025-02-15T09:14:00.000Z', record([ticket('none', null), ticket('text', '昨天'), ticket('day', '2025-01-03'), ticket('bad', '2025-13-45T99:00:00Z')]));

    const items = await all();
    expect(items.map(brief)).toEqual(['later note', ...Array<unknown>(4).fill(expect.stringMatching(/^crm:crm-main:/)), 'earlier note']);
    const undated = items.slice(1, 5) as CrmTicketEntry[];
    expect(undated.map((entry) => [entry.occurredAt, entry.dated])).toEqual(Array(4).fill(['2025-02-15T09:14:00.000Z', false]));
    // The CRM's text is kept for the timeline to show.
    expect(Object.fromEntries(undated.map((entry) => [entry.ticket.id, entry.ticket.createdAt]))).toEqual({
      none: null,
      text: '昨天',
      day: '2025-01-03',
      bad: '2025-13-45T99:00:00Z',
    });
  });

  it('puts the last contacts the CRM records there too, deduplicated across numbers', async () => {
    const contact: ConnectorContact = { at: '2025-01-05T02:00:00Z', channel: 'email', summary: 'asked for an invoice', agent: '李雷' };
    await put(MOBILE, 'crm-main', '2025-02-01T00:00:00.000Z', record([], [contact, { at: null, channel: 'visit', summary: 'came by', agent: '' }]));
    await put(WORK, 'crm-main', '2025-01-20T00:00:00.000Z', record([], [contact]));

    const items = await all();
    expect(items.map(brief)).toEqual(['crm-contact:came by', 'crm-contact:asked for an invoice']);
    expect(items[0]).toMatchObject({ kind: 'crm_contact', occurredAt: '2025-02-01T00:00:00.000Z', dated: false, connector: 'rest' });
    expect(items[1]).toMatchObject({ occurredAt: '2025-01-05T02:00:00.000Z', dated: true, fetchedAt: '2025-02-01T00:00:00.000Z', contact: { ...contact, source: 'crm-main' } });
  });

  it('keeps CRM text as the text it is, cut to the connectors’ limits, even from a row written before the limits', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const long = { ...ticket(`${'I'.repeat(300)}`, '2025-01-02T10:30:00Z'), title: `${hostile}${'长'.repeat(10_000)}`, status: 'S'.repeat(400) };
    // Written as it came, not through toRecord(): the cache cuts it when it is read.
    await put(MOBILE, 'crm-main', '2025-02-01T00:00:00.000Z', record([long]));

    const [entry] = (await all()) as CrmTicketEntry[];
    expect(entry!.ticket.title.startsWith(hostile)).toBe(true);
    expect([...entry!.ticket.title]).toHaveLength(TEXT_LIMITS.ticketTitle);
    expect(entry!.ticket.title.endsWith('…')).toBe(true);
    expect([...entry!.ticket.id]).toHaveLength(TEXT_LIMITS.ticketId);
    expect([...entry!.ticket.status]).toHaveLength(TEXT_LIMITS.ticketStatus);
  });

  it('hands out a cursor within the contract’s 100 characters after a CRM entry, whatever its id and connector name', async () => {
    const name = `c${'x'.repeat(39)}`;
    settings = { ...settings, crmConnectors: [rest(name)] };
    await put(MOBILE, name, '2025-02-01T00:00:00.000Z', record([ticket('I'.repeat(100), '2025-01-02T10:30:00Z'), ticket('J'.repeat(100), '2025-01-01T10:30:00Z')]));
    const first = await directory.history(contactId, null, 1);
    expect(first.items[0]?.kind).toBe('crm_ticket');
    expect(first.nextCursor).not.toBeNull();
    expect(first.nextCursor!.length).toBeLessThanOrEqual(100);
    const second = await directory.history(contactId, first.nextCursor, 1);
    expect(second.items.map(brief)).toEqual([`crm:${name}:${'J'.repeat(100)}`]);
    expect(second.nextCursor).toBeNull();
  });

  it('shows only connectors enabled in settings, only the contact’s numbers, and no "not known" answers', async () => {
    settings = { ...settings, crmConnectors: [rest('crm-main'), rest('crm-off', false)] };
    await put(MOBILE, 'crm-main', '2025-02-01T00:00:00.000Z', record([ticket('mine', '2025-01-02T10:30:00Z')]));
    await put(MOBILE, 'crm-off', '2025-02-01T00:00:00.000Z', record([ticket('disabled', '2025-01-02T10:30:00Z')]));
    await put(MOBILE, 'crm-gone', '2025-02-01T00:00:00.000Z', record([ticket('removed', '2025-01-02T10:30:00Z')]));
    await put(WORK, 'crm-main', '2025-02-01T00:00:00.000Z', null);
    await put('+8613900139000', 'crm-main', '2025-02-01T00:00:00.000Z', record([ticket('someone else', '2025-01-02T10:30:00Z')]));

    expect((await all()).map(brief)).toEqual(['crm:crm-main:mine']);
    settings = { ...settings, crmConnectors: [] };
    expect(await all()).toEqual([]);
  });

  it('pages calls, notes and tickets that share their times each exactly once, in order, and still takes a cursor from before', async () => {
    const at = '2025-01-02T10:30:00.000Z';
    const ids: number[] = [];
    for (const summary of ['a', 'b']) ids.push((await directory.addInteraction({ contactId, kind: 'call_in', occurredAt: at, summary })).id);
    await put(MOBILE, 'crm-main', '2025-02-01T00:00:00.000Z', record([ticket('T-1', at), ticket('T-2', at)]));
    await put(WORK, 'crm-b', at, record([ticket('T-3', null)]));
    await directory.addInteraction({ contactId, kind: 'note', occurredAt: '2025-01-01T00:00:00Z', summary: 'oldest' });

    const whole = (await all()).map(brief);
    // At one time the interactions come first, newest id first.
    expect(whole.slice(0, 2)).toEqual(['b', 'a']);
    expect(whole.slice(2, 5).sort()).toEqual(['crm:crm-b:T-3', 'crm:crm-main:T-1', 'crm:crm-main:T-2']);
    expect(whole[5]).toBe('oldest');
    for (const size of [1, 2, 4]) {
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await directory.history(contactId, cursor, size);
        paged.push(...page.items.map(brief));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect([size, paged]).toEqual([size, whole]);
    }
    // A cursor as handed out before CRM entries were in the history: after call 'b'.
    const legacy = Buffer.from(JSON.stringify([at, ids[1]])).toString('base64url');
    expect((await directory.history(contactId, legacy, 500)).items.map(brief)).toEqual(whole.slice(1));
  });
});
