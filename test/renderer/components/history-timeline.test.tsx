import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { CrmTicketEntry, HistoryItem, Interaction } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { formatFetchedAt } from '../../../renderer/features/directory/components/card-sources';
import { HISTORY_ROW_HEIGHT, HistoryTimeline } from '../../../renderer/features/directory/components/history-timeline';
import { historyKey, useDirectoryStore } from '../../../renderer/features/directory/store';
import { formatDateTime } from '../../../renderer/i18n/format';
import { useLocaleStore } from '../../../renderer/features/locale/store';
import { freshApi, interaction } from '../fake-api';

// jsdom does no layout: every element is 0 px tall. The virtualizer reads its scroll
// element's clientHeight, so give every element a viewport's height for these tests.
const VIEWPORT = 520;
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEWPORT });
});
afterAll(() => {
  delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
});

const many = (from: number, count: number): Interaction[] => Array.from({ length: count }, (_, i) => interaction(from + i));

/** A CRM ticket as the core puts it in the history: at its own date, as of when the CRM answered. */
const crmTicket = (overrides: Partial<CrmTicketEntry['ticket']> = {}, entry: Partial<CrmTicketEntry> = {}): CrmTicketEntry => ({
  kind: 'crm_ticket',
  occurredAt: '2026-01-01T00:30:00.000Z',
  dated: true,
  fetchedAt: '2026-03-02T01:14:00.000Z',
  connector: 'rest',
  key: `k-${overrides.id ?? 'T-1'}`,
  ticket: { id: 'T-1', title: '停电报修', status: 'Open', createdAt: '2026-01-01T08:30:00+08:00', source: 'crm-main', ...overrides },
  ...entry,
});

function showHistory(items: HistoryItem[], nextCursor: string | null) {
  useDirectoryStore.setState({
    card: { contactId: 1, card: null, loading: false, error: null, callId: null },
    history: { contactId: 1, items, nextCursor, loaded: true, loading: false, error: null },
  });
}

function renderedIndexes(): number[] {
  return screen.queryAllByTestId('history-item').map((row) => Number(row.getAttribute('data-index')));
}

function scrollTo(offset: number) {
  const scroller = screen.getByTestId('history-timeline');
  scroller.scrollTop = offset;
  fireEvent.scroll(scroller);
}

describe('the history timeline', () => {
  it('renders only a viewport of rows out of 10,000 entries', async () => {
    await freshApi();
    showHistory(many(1, 10_000), null);
    render(<HistoryTimeline />);

    const indexes = renderedIndexes();
    expect(indexes[0]).toBe(0);
    expect(indexes.length).toBeGreaterThanOrEqual(Math.floor(VIEWPORT / HISTORY_ROW_HEIGHT));
    expect(indexes.length).toBeLessThan(50);
    // The canvas is as tall as all rows (plus the end-of-history row), so the scrollbar is honest.
    const canvas = screen.getByTestId('history-timeline').firstElementChild as HTMLElement;
    expect(canvas.style.height).toBe(`${10_001 * HISTORY_ROW_HEIGHT}px`);
  });

  it('renders the rows around the scroll position, not from the top', async () => {
    await freshApi();
    showHistory(many(1, 10_000), null);
    render(<HistoryTimeline />);
    act(() => scrollTo(5_000 * HISTORY_ROW_HEIGHT));

    const indexes = renderedIndexes();
    expect(indexes).toContain(5_000);
    expect(indexes).not.toContain(0);
    expect(indexes.length).toBeLessThan(50);
    expect(screen.getAllByTestId('history-item')[0]).toHaveTextContent(/interaction 49\d\d/);
  });

  it('asks for the next older page when scrolled near the end of what is loaded', async () => {
    const fake = await freshApi({ 'directory.history': () => ({ items: many(101, 100), nextCursor: null }) });
    showHistory(many(1, 100), 'c100');
    render(<HistoryTimeline />);
    expect(fake.argsOf('directory.history')).toEqual([]);

    act(() => scrollTo(100 * HISTORY_ROW_HEIGHT - VIEWPORT));
    await waitFor(() => expect(useDirectoryStore.getState().history.items).toHaveLength(200));
    expect(fake.argsOf('directory.history')).toEqual([{ contactId: 1, before: 'c100', limit: 100 }]);
    act(() => scrollTo(200 * HISTORY_ROW_HEIGHT));
    expect(await screen.findByTestId('history-end')).toHaveTextContent('没有更早的记录了');
    expect(fake.argsOf('directory.history')).toHaveLength(1);
  });

  it('offers a retry when an older page fails, instead of asking again and again', async () => {
    let failing = true;
    const fake = await freshApi({
      'directory.history': () => {
        if (failing) throw new ZuoxiError('unavailable', 'database busy');
        return { items: many(21, 5), nextCursor: null };
      },
    });
    showHistory(many(1, 20), 'c20');
    render(<HistoryTimeline />);
    act(() => scrollTo(21 * HISTORY_ROW_HEIGHT));
    const retry = await screen.findByRole('button', { name: '重试' });
    expect(fake.argsOf('directory.history')).toHaveLength(1);

    failing = false;
    fireEvent.click(retry);
    await waitFor(() => expect(useDirectoryStore.getState().history.items).toHaveLength(25));
    expect(fake.argsOf('directory.history')).toHaveLength(2);
  });

  it('says when a contact has no history at all', async () => {
    await freshApi();
    showHistory([], null);
    render(<HistoryTimeline />);
    expect(screen.getByTestId('history-end')).toHaveTextContent('暂无历史记录');
    expect(screen.queryAllByTestId('history-item')).toHaveLength(0);
  });

  it('shows a CRM ticket in time order with the calls, marked as from its connector as of when the CRM answered', async () => {
    await freshApi();
    const ticket = crmTicket();
    showHistory([interaction(1), ticket, interaction(2)], null);
    render(<HistoryTimeline />);

    const rows = screen.getAllByTestId('history-item');
    expect(rows.map((row) => row.getAttribute('data-kind'))).toEqual([interaction(1).kind, 'crm_ticket', interaction(2).kind]);
    const row = rows[1]!;
    // Its own look: its row class and kind label, which no interaction has.
    expect(row).toHaveClass('history-row-crm');
    expect(rows[0]).not.toHaveClass('history-row-crm');
    expect(row.querySelector('.interaction-kind')).toHaveTextContent(/^CRM 工单$/);
    expect(within(row).getByTestId('history-crm-ticket-id')).toHaveTextContent('T-1');
    expect(within(row).getByText('Open')).toHaveAttribute('data-status', 'open');
    expect(within(row).getByTestId('history-crm-text')).toHaveTextContent('停电报修');
    // When it was opened in the CRM, and as of when and from which connector.
    expect(row.querySelector('time')).toHaveAttribute('dateTime', ticket.occurredAt);
    expect(row.querySelector('time')).toHaveTextContent(formatDateTime(ticket.occurredAt, 'zh-CN'));
    const source = within(row).getByTestId('history-crm-source');
    expect(source).toHaveTextContent(`截至 ${formatFetchedAt(ticket.fetchedAt, 'zh-CN')}，来自 CRM crm-main`);
    expect(source).toHaveAttribute('data-fetched-at', ticket.fetchedAt);
    expect(within(row).queryByTestId('history-crm-undated')).toBeNull();

    await act(() => useLocaleStore.getState().adopt('en'));
    expect(row.querySelector('.interaction-kind')).toHaveTextContent(/^CRM ticket$/);
    expect(within(row).getByTestId('history-crm-source')).toHaveTextContent(`as of ${formatFetchedAt(ticket.fetchedAt, 'en')}, from CRM crm-main`);
  });

  it('says a ticket the CRM gave no date is shown where it was fetched, with the CRM’s own text for its date', async () => {
    await freshApi();
    const undated = { dated: false, occurredAt: '2026-03-02T01:14:00.000Z' };
    showHistory([crmTicket({ id: 'A', createdAt: null }, undated), crmTicket({ id: 'B', createdAt: '昨天' }, undated)], null);
    render(<HistoryTimeline />);

    const [none, text] = screen.getAllByTestId('history-item');
    expect(none!.querySelector('time')).toBeNull();
    expect(within(none!).getByTestId('history-crm-undated')).toHaveTextContent(/^无日期$/);
    expect(within(none!).getByTestId('history-crm-undated')).toHaveAttribute('title', 'CRM 未给出日期：排在获取这条信息的时间');
    expect(within(text!).getByTestId('history-crm-undated')).toHaveTextContent(/^昨天$/);
  });

  it('shows hostile CRM text as the text it is: no element of it is made, and the whole of it is in the tooltip', async () => {
    await freshApi();
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    showHistory([crmTicket({ id: '<b>T</b>', title: hostile, status: '<i>open</i>', source: '<u>crm</u>' })], null);
    render(<HistoryTimeline />);

    const row = screen.getByTestId('history-item');
    expect(row.querySelectorAll('img, script, b, i, u')).toHaveLength(0);
    expect(within(row).getByTestId('history-crm-text').textContent).toBe(hostile);
    expect(within(row).getByTestId('history-crm-text')).toHaveAttribute('title', hostile);
    expect(within(row).getByTestId('history-crm-ticket-id').textContent).toBe('<b>T</b>');
    expect(within(row).getByText('<i>open</i>')).toBeInTheDocument();
    expect(within(row).getByTestId('history-crm-source')).toHaveTextContent('来自 CRM <u>crm</u>');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('keeps each CRM entry once when an older page repeats one, and two tickets of one id from two connectors apart', async () => {
    const fromB = crmTicket({ source: 'crm-b' }, { key: 'k-b' });
    const fake = await freshApi({ 'directory.history': () => ({ items: [crmTicket(), fromB, interaction(3)], nextCursor: null }) });
    showHistory([interaction(1), crmTicket()], 'c2');
    await useDirectoryStore.getState().loadOlderHistory();
    expect(fake.argsOf('directory.history')).toHaveLength(1);
    expect(useDirectoryStore.getState().history.items.map(historyKey)).toEqual(['1', 'crm:k-T-1', 'crm:k-b', '3']);
  });
});
