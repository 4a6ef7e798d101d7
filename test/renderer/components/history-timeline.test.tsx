import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Interaction } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { HISTORY_ROW_HEIGHT, HistoryTimeline } from '../../../renderer/features/directory/components/history-timeline';
import { useDirectoryStore } from '../../../renderer/features/directory/store';
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

function showHistory(items: Interaction[], nextCursor: string | null) {
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
});
