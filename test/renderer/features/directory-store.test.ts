import { waitFor } from '@testing-library/react';
import type { HistoryPage, ImportReport } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { HISTORY_PAGE_SIZE, historyKey, MAX_IMPORT_BYTES, SEARCH_LIMIT, useDirectoryStore } from '../../../renderer/features/directory/store';
import { contactCard, deferred, freshApi, interaction, summary } from '../fake-api';

const store = () => useDirectoryStore.getState();

const report = (overrides: Partial<ImportReport> = {}): ImportReport => ({
  importId: 'imp-1',
  format: 'csv',
  encoding: 'gbk',
  totalRows: 3,
  imported: 1,
  merged: 1,
  errors: [{ row: 3, code: 'no_number', detail: '', reason: 'no phone number' }],
  warnings: [],
  ignoredColumns: [],
  ...overrides,
});

describe('directory store: search', () => {
  it('searches for the trimmed query with the page limit and keeps the results', async () => {
    const fake = await freshApi({ 'directory.search': () => [summary(1, '王芳'), summary(2, '王伟')] });
    await store().runSearch('  王 ');
    expect(fake.argsOf('directory.search')).toEqual([{ query: '王', limit: SEARCH_LIMIT }]);
    expect(store().search).toMatchObject({ query: '王', status: 'done', error: null });
    expect(store().search.results.map((result) => result.name)).toEqual(['王芳', '王伟']);
  });

  it('clears the results for a blank query without asking the core', async () => {
    const fake = await freshApi({ 'directory.search': () => [summary(1, '王芳')] });
    await store().runSearch('王');
    await store().runSearch('   ');
    expect(fake.argsOf('directory.search')).toHaveLength(1);
    expect(store().search).toMatchObject({ status: 'idle', results: [] });
  });

  it('drops a slow answer to an earlier query when a later one has already answered', async () => {
    const slow = deferred<ReturnType<typeof summary>[]>();
    await freshApi({
      'directory.search': ({ query }) => (query === '王' ? slow.promise : [summary(2, '王伟')]),
    });
    const first = store().runSearch('王');
    await store().runSearch('王伟');
    slow.resolve([summary(1, '王芳')]);
    await first;
    expect(store().search.query).toBe('王伟');
    expect(store().search.results.map((result) => result.id)).toEqual([2]);
  });

  it('keeps the failure code when the core refuses', async () => {
    await freshApi({
      'directory.search': () => {
        throw new ZuoxiError('unavailable', 'database locked');
      },
    });
    await store().runSearch('王');
    expect(store().search).toMatchObject({ status: 'failed', error: { code: 'unavailable', message: 'database locked' } });
  });
});

describe('directory store: card and history', () => {
  const pages: Record<string, HistoryPage> = {
    first: { items: [interaction(1), interaction(2)], nextCursor: 'c2' },
    c2: { items: [interaction(3), interaction(4)], nextCursor: 'c4' },
    c4: { items: [interaction(5)], nextCursor: null },
  };

  it('opens a contact: loads its card and the first page of history', async () => {
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId),
      'directory.history': ({ before }) => pages[before ?? 'first']!,
    });
    await store().openContact(9);
    expect(store().card).toMatchObject({ contactId: 9, loading: false, error: null });
    expect(store().card.card?.contact.id).toBe(9);
    expect(fake.argsOf('directory.history')).toEqual([{ contactId: 9, before: null, limit: HISTORY_PAGE_SIZE }]);
    expect(store().history).toMatchObject({ contactId: 9, nextCursor: 'c2', loaded: true, loading: false });
  });

  it('pages backwards with the cursor it was given and stops when there is none', async () => {
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId),
      'directory.history': ({ before }) => pages[before ?? 'first']!,
    });
    await store().openContact(9);
    await store().loadOlderHistory();
    await store().loadOlderHistory();
    await store().loadOlderHistory(); // nothing older: no call
    expect(fake.argsOf('directory.history').map((args) => args.before)).toEqual([null, 'c2', 'c4']);
    expect(store().history.items.map(historyKey)).toEqual(['1', '2', '3', '4', '5']);
    expect(store().history.nextCursor).toBeNull();
  });

  it('asks for one page at a time even when asked twice', async () => {
    const page = deferred<HistoryPage>();
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId),
      'directory.history': () => page.promise,
    });
    const opening = store().openContact(9);
    void store().loadOlderHistory();
    page.resolve(pages.first!);
    await opening;
    expect(fake.argsOf('directory.history')).toHaveLength(1);
  });

  it('drops history that arrives for a contact the agent has already left', async () => {
    const slow = deferred<HistoryPage>();
    await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId),
      'directory.history': ({ contactId }) => (contactId === 1 ? slow.promise : { items: [interaction(50)], nextCursor: null }),
    });
    const first = store().openContact(1);
    await store().openContact(2);
    slow.resolve(pages.first!);
    await first;
    expect(store().history.contactId).toBe(2);
    expect(store().history.items.map(historyKey)).toEqual(['50']);
    expect(store().card.card?.contact.id).toBe(2);
  });

  it('records a failed card load so the card can offer a retry', async () => {
    await freshApi({
      'directory.card': () => {
        throw new ZuoxiError('not_found', 'no contact 3');
      },
      'directory.history': () => ({ items: [], nextCursor: null }),
    });
    await store().openContact(3);
    expect(store().card).toMatchObject({ contactId: 3, card: null, loading: false, error: { code: 'not_found' } });
  });

  it('adds a note as a note interaction, puts it on top of the history and refreshes the card', async () => {
    let count = 2;
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId, {}, { interactionCount: count }),
      'directory.history': () => pages.first!,
      'directory.addInteraction': (input) => {
        count += 1;
        return interaction(99, { contactId: input.contactId, kind: input.kind, summary: input.summary ?? '' });
      },
    });
    await store().openContact(9);
    await expect(store().addNote('  客户要求明天回电  ')).resolves.toBe(true);

    expect(fake.argsOf('directory.addInteraction')).toEqual([{ contactId: 9, kind: 'note', summary: '客户要求明天回电' }]);
    expect(store().history.items.map(historyKey)).toEqual(['99', '1', '2']);
    expect(store().card.card?.interactionCount).toBe(3);
    expect(store().note).toEqual({ saving: false, error: null });
  });

  it('refuses an empty note without a call, and keeps the code of a refused one', async () => {
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId),
      'directory.history': () => pages.first!,
      'directory.addInteraction': () => {
        throw new ZuoxiError('invalid_input', 'summary too long');
      },
    });
    await store().openContact(9);
    await expect(store().addNote('   ')).resolves.toBe(false);
    expect(fake.argsOf('directory.addInteraction')).toHaveLength(0);
    await expect(store().addNote('x')).resolves.toBe(false);
    expect(store().note.error).toMatchObject({ code: 'invalid_input' });
  });
});

describe('directory store: import', () => {
  const csv = () => new File(['姓名,电话\n王芳,13800138000\n'], 'contacts.csv', { type: 'text/csv' });

  // Progress pushes reach the store through wire-pushes (tested there); here it is driven directly.
  it('sends the file as base64 with its format, follows progress and keeps the report', async () => {
    const reply = deferred<ImportReport>();
    const fake = await freshApi({ 'directory.import': () => reply.promise });
    const importing = store().importFile(csv());
    // FileReader is asynchronous; the call goes out once the bytes are read.
    await waitFor(() => expect(store().import).toMatchObject({ phase: 'running', processed: 0, total: 0 }));

    store().applyImportProgress({ importId: 'imp-1', processed: 1, total: 3 });
    expect(store().import).toMatchObject({ phase: 'running', importId: 'imp-1', processed: 1, total: 3 });
    store().applyImportProgress({ importId: 'imp-1', processed: 2, total: 3 });
    expect(store().import).toMatchObject({ processed: 2 });

    reply.resolve(report());
    await importing;
    const [args] = fake.argsOf('directory.import');
    expect(args).toMatchObject({ fileName: 'contacts.csv', format: 'csv' });
    expect(Buffer.from(args!.contentBase64, 'base64').toString('utf8')).toBe('姓名,电话\n王芳,13800138000\n');
    expect(store().import).toEqual({ phase: 'done', fileName: 'contacts.csv', report: report() });
  });

  it('follows only the first import it hears of, and ignores progress when not importing', async () => {
    const reply = deferred<ImportReport>();
    await freshApi({ 'directory.import': () => reply.promise });
    store().applyImportProgress({ importId: 'other', processed: 5, total: 5 });
    expect(store().import).toEqual({ phase: 'idle' });

    const importing = store().importFile(csv());
    await waitFor(() => expect(store().import.phase).toBe('running'));
    store().applyImportProgress({ importId: 'mine', processed: 1, total: 10 });
    store().applyImportProgress({ importId: 'someone-else', processed: 9, total: 9 });
    expect(store().import).toMatchObject({ importId: 'mine', processed: 1, total: 10 });
    reply.resolve(report());
    await importing;
  });

  it('treats .vcf as vCard and leaves unknown extensions for the core to sniff', async () => {
    const fake = await freshApi({ 'directory.import': () => report() });
    await store().importFile(new File(['BEGIN:VCARD'], 'people.VCF'));
    store().dismissImport();
    await store().importFile(new File(['x'], 'export.txt'));
    expect(fake.argsOf('directory.import').map((args) => args.format)).toEqual(['vcard', undefined]);
  });

  it('refuses a file over the limit before reading it', async () => {
    const fake = await freshApi({ 'directory.import': () => report() });
    const big = new File(['x'], 'huge.csv');
    Object.defineProperty(big, 'size', { value: MAX_IMPORT_BYTES + 1 });
    await store().importFile(big);
    expect(store().import).toEqual({ phase: 'failed', fileName: 'huge.csv', failure: { reason: 'too_large' } });
    expect(fake.calls).toHaveLength(0);
  });

  it('keeps the code when the core cannot read the file at all', async () => {
    await freshApi({
      'directory.import': () => {
        throw new ZuoxiError('import_failed', 'not a CSV or vCard file');
      },
    });
    await store().importFile(csv());
    expect(store().import).toMatchObject({
      phase: 'failed',
      failure: { reason: 'refused', failure: { code: 'import_failed', message: 'not a CSV or vCard file' } },
    });
  });
});
