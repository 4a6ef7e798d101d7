import '@testing-library/jest-dom';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { formatTrendMonth, KpiTrend, trendDomain, trendTicks } from '../../../renderer/features/kpi/components/kpi-trend';
import { currentMonth, initialKpi, useKpiStore } from '../../../renderer/features/kpi/store';
import { i18n } from '../../../renderer/i18n';
import { freshApi, type FakeHandlers } from '../fake-api';

// Six months that go up and down, one below the standard, one at it, one above the reward line.
const SIX_MONTHS = [
  { month: '2025-10', overall: 85, workUnits: 10 },
  { month: '2025-11', overall: 72.25, workUnits: -80 },
  { month: '2025-12', overall: 95, workUnits: 100 },
  { month: '2026-01', overall: 80, workUnits: 0 },
  { month: '2026-02', overall: 88, workUnits: null },
  { month: '2026-03', overall: 91.5, workUnits: 40 },
];

/** The trend as the scorecard panel shows it: whatever the store read, once it has read it. */
function StoredTrend() {
  const trend = useKpiStore((s) => s.trend);
  return trend && <KpiTrend points={trend} />;
}

/** The store reads the trend through the (fake) core, as opening the scorecard does; the scorecard itself is not needed here. */
async function openWithTrend(trend: FakeHandlers['kpi.trend']) {
  const fake = await freshApi({ 'kpi.trend': trend });
  useKpiStore.setState({ ...initialKpi, month: currentMonth() });
  render(<StoredTrend />);
  expect(screen.queryByTestId('kpi-trend')).toBeNull();
  await act(() => useKpiStore.getState().load());
  await waitFor(() => expect(useKpiStore.getState().trend).not.toBeNull());
  expect(fake.argsOf('kpi.trend')).toEqual([{ month: currentMonth(), months: 6 }]);
}

const num = (el: Element, attribute: string) => Number(el.getAttribute(attribute));

describe('the KPI trend chart', () => {
  it('draws one dot per month of the store’s trend, oldest first, in the chart, higher scores higher up', async () => {
    await openWithTrend(() => SIX_MONTHS);
    const stored = useKpiStore.getState().trend!;
    expect(stored).toHaveLength(6);

    const chart = within(screen.getByTestId('kpi-trend')).getByRole('application');
    const dots = screen.getAllByTestId('kpi-trend-point');
    expect(dots.map((d) => d.getAttribute('data-month'))).toEqual(stored.map((p) => p.month));
    expect(dots.map((d) => d.getAttribute('data-overall'))).toEqual(['85', '72.25', '95', '80', '88', '91.5']);
    for (const dot of dots) {
      expect(dot.tagName.toLowerCase()).toBe('circle');
      expect(chart.contains(dot)).toBe(true);
    }
    // Left to right by month; the y of a dot follows its score (svg y grows downwards).
    const xs = dots.map((d) => num(d, 'cx'));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(6);
    const byHeight = [...dots].sort((a, b) => num(a, 'cy') - num(b, 'cy')).map((d) => d.getAttribute('data-overall'));
    expect(byHeight).toEqual(['95', '91.5', '88', '85', '80', '72.25']);

    // Standard and reward lines at their scores: 80 through the dot of a month scored 80, 90 two thirds of the way from it to 95.
    const dotAt = (overall: string) => num(dots.find((d) => d.getAttribute('data-overall') === overall)!, 'cy');
    const lines = [...chart.querySelectorAll('.recharts-reference-line-line')].map((l) => num(l, 'y1'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBeCloseTo(dotAt('80'));
    expect(lines[1]).toBeCloseTo(dotAt('80') + ((dotAt('95') - dotAt('80')) * 10) / 15);
    // Both labelled; the month axis in the agent's language.
    expect(within(chart).getByText('达标 80')).toBeInTheDocument();
    expect(within(chart).getByText('奖励线 90')).toBeInTheDocument();
    expect(within(chart).getByText('3月')).toBeInTheDocument();
    expect(within(chart).getByText('10月')).toBeInTheDocument();
    // The y axis spans the scores and both lines: 72.25 → 95 reads 70 – 100, every 5.
    const yTicks = [...chart.querySelectorAll('.recharts-yAxis-tick-labels text')].map((t) => Number(t.textContent));
    expect(yTicks).toEqual([70, 75, 80, 85, 90, 95, 100]);
    expect(screen.queryByTestId('kpi-trend-empty')).toBeNull();
  });

  it('tells screen readers the same numbers in a table: month, overall, work units', async () => {
    await openWithTrend(() => SIX_MONTHS);
    const table = screen.getByTestId('kpi-trend-table');
    expect(table.parentElement).toHaveClass('visually-hidden');
    const rows = within(table).getAllByTestId('kpi-trend-row');
    expect(rows.map((r) => [...r.children].map((cell) => cell.textContent))).toEqual([
      ['2025年10月', '85', '+10'],
      ['2025年11月', '72.25', '-80'],
      ['2025年12月', '95', '+100'],
      ['2026年1月', '80', '0'],
      ['2026年2月', '88', '—'],
      ['2026年3月', '91.5', '+40'],
    ]);
  });

  it('shows month, overall and work units of the month under the pointer or the arrow keys', async () => {
    await openWithTrend(() => SIX_MONTHS);
    await act(() => i18n.changeLanguage('en'));
    const chart = within(screen.getByTestId('kpi-trend')).getByRole('application');
    expect(screen.queryByTestId('kpi-trend-tooltip')).toBeNull();
    // Keyboard: the chart takes focus on the first month and the arrows walk the months.
    act(() => chart.focus());
    const tooltip = await screen.findByTestId('kpi-trend-tooltip');
    expect([...tooltip.children].map((line) => line.textContent)).toEqual(['October 2025', 'Overall 85', 'Work units +10']);
    fireEvent.keyDown(chart, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('kpi-trend-tooltip')).toHaveTextContent('November 2025Overall 72.25Work units -80'));
    // Pointer: jsdom lays nothing out, so the wrapper sits at 0,0 and a dot's cx is where the pointer is over its month.
    const wrapper = chart.closest('.recharts-wrapper')!;
    const cx = (month: string) => num(screen.getAllByTestId('kpi-trend-point').find((d) => d.getAttribute('data-month') === month)!, 'cx');
    fireEvent.mouseMove(wrapper, { clientX: cx('2026-03'), clientY: 60 });
    await waitFor(() => expect(screen.getByTestId('kpi-trend-tooltip')).toHaveTextContent('March 2026Overall 91.5Work units +40'));
    fireEvent.mouseMove(wrapper, { clientX: cx('2026-02') + 5, clientY: 60 });
    await waitFor(() => expect(screen.getByTestId('kpi-trend-tooltip')).toHaveTextContent('February 2026Overall 88Work units —'));
  });

  it('says there is no data instead of drawing an empty chart when the trend has no months', async () => {
    await openWithTrend(() => []);
    expect(useKpiStore.getState().trend).toEqual([]);
    const figure = screen.getByTestId('kpi-trend');
    expect(within(figure).getByTestId('kpi-trend-empty')).toHaveTextContent('近几个月还没有得分');
    expect(figure.querySelector('svg')).toBeNull();
    expect(screen.queryAllByTestId('kpi-trend-point')).toHaveLength(0);
    expect(screen.queryByTestId('kpi-trend-table')).toBeNull();
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByTestId('kpi-trend-empty')).toHaveTextContent('No scores for these months yet');
  });

  it('draws a single month as one dot', async () => {
    await freshApi();
    render(<KpiTrend points={[{ month: '2026-03', overall: 105, workUnits: null }]} />);
    expect(screen.getAllByTestId('kpi-trend-point').map((d) => d.getAttribute('data-overall'))).toEqual(['105']);
    expect(screen.queryByTestId('kpi-trend-empty')).toBeNull();
  });
});

describe('the trend’s y axis and month labels', () => {
  it('spans the scores and both reference lines on multiples of 5', () => {
    expect(trendDomain([78, 82.5, 91])).toEqual([75, 95]);
    expect(trendDomain([105])).toEqual([75, 110]);
    expect(trendDomain([50, 60])).toEqual([45, 95]);
    expect(trendDomain([85])).toEqual([75, 95]);
  });

  it('ticks every 5 points, or every 10 on a tall axis', () => {
    expect(trendTicks([75, 95])).toEqual([75, 80, 85, 90, 95]);
    expect(trendTicks([70, 100])).toEqual([70, 75, 80, 85, 90, 95, 100]);
    expect(trendTicks([75, 110])).toEqual([80, 90, 100, 110]);
    expect(trendTicks([45, 95])).toEqual([50, 60, 70, 80, 90]);
  });

  it('reads a month in either language, and leaves anything else as it is', () => {
    expect(formatTrendMonth('2026-03', 'zh-CN', 'short')).toBe('3月');
    expect(formatTrendMonth('2026-03', 'en', 'short')).toBe('Mar');
    expect(formatTrendMonth('2025-12', 'zh-CN', 'long')).toBe('2025年12月');
    expect(formatTrendMonth('2025-12', 'en', 'long')).toBe('December 2025');
    expect(formatTrendMonth('soon', 'en', 'long')).toBe('soon');
  });
});
