import '@testing-library/jest-dom';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { KpiMetric, KpiScorecard } from '../../../main/common/channels/kpi';
import { ZuoxiError } from '../../../main/common/errors';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { currentMonth, initialKpi, useKpiStore } from '../../../renderer/features/kpi/store';
import { i18n } from '../../../renderer/i18n';
import { callSummary, freshApi, type FakeHandlers } from '../fake-api';

const provenance = { source: 'call_log', importedAt: '2026-03-15T04:00:00.000Z', ref: 'calls: inbound, ring_at in [a, b)' };

function metric(id: string, overrides: Partial<KpiMetric> = {}): KpiMetric {
  return { id, names: { 'zh-CN': `指标 ${id}`, en: `Metric ${id}` }, unit: 'percent', source: 'call_log', raw: 90, target: 95, points: -5, score: 95, capped: false, available: true, counted: true, weight: 1, inputs: [], ...overrides };
}

function card(answered: number, overrides: Partial<KpiScorecard> = {}): KpiScorecard {
  return {
    profileId: 'customer-service',
    profileVersion: 1,
    agent: '8001',
    month: currentMonth(),
    metrics: [
      metric('calls-answered', { names: { 'zh-CN': '接听量', en: 'Calls answered' }, raw: null, points: 0, score: null, available: false, counted: false, unavailableReason: 'no data for teamMaxAnsweredCalls' }),
      metric('answer-rate', {
        names: { 'zh-CN': '接通率', en: 'Answer rate' },
        raw: (answered * 100) / 4,
        inputs: [
          { fact: 'offeredCalls', value: 4, provenance },
          { fact: 'answeredCalls', value: answered, provenance },
        ],
      }),
      metric('satisfaction', { names: { 'zh-CN': '满意率', en: 'Satisfaction' }, source: 'survey', raw: null, points: 0, score: 100, available: false, counted: true, unavailableReason: 'no data for evaluations' }),
    ],
    overall: 70 + answered,
    workUnits: -450,
    level: null,
    formula: 'overall = 80 + … = 73',
    currentMonth: currentMonth(),
    ...overrides,
  };
}

async function renderWindow(handlers: FakeHandlers = {}) {
  const fake = await freshApi(handlers);
  useKpiStore.setState({ ...initialKpi, month: currentMonth() });
  render(<AgentWindow />);
  return fake;
}

describe('the KPI scorecard', () => {
  it('opens from the work row, shows overall, work units and the metrics with their sources; unavailable ones marked', async () => {
    const fake = await renderWindow({ 'kpi.scorecard': () => card(3) });
    expect(screen.queryByTestId('kpi-panel')).toBeNull();
    await userEvent.click(screen.getByTestId('kpi-open'));
    expect(screen.getByTestId('kpi-open')).toHaveTextContent('我的考核');
    await waitFor(() => expect(screen.getByTestId('kpi-overall')).toHaveTextContent('73'));
    expect(fake.argsOf('kpi.scorecard')).toEqual([{ month: currentMonth() }]);
    expect(screen.getByTestId('kpi-work-units')).toHaveTextContent('-450');
    const rows = screen.getAllByTestId('kpi-metric');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(['calls-answered', 'answer-rate', 'satisfaction']);
    expect(within(rows[1]!).getByTestId('kpi-metric-name')).toHaveTextContent('接通率');
    expect(within(rows[1]!).getByTestId('kpi-raw')).toHaveTextContent('75%');
    expect(within(rows[1]!).getByTestId('kpi-target')).toHaveTextContent('95%');
    expect(within(rows[1]!).getByTestId('kpi-points')).toHaveTextContent('-5');
    expect(within(rows[1]!).getByTestId('kpi-source')).toHaveTextContent('话务记录');
    expect(within(rows[0]!).getByTestId('kpi-unavailable')).toHaveTextContent('不计入');
    expect(within(rows[2]!).getByTestId('kpi-unavailable')).toHaveTextContent('按标准分');
    expect(within(rows[2]!).getByTestId('kpi-source')).toHaveTextContent('满意度调查');
    expect(rows[2]).toHaveAttribute('data-available', 'false');
    await act(() => i18n.changeLanguage('en'));
    expect(within(screen.getAllByTestId('kpi-metric')[1]!).getByTestId('kpi-metric-name')).toHaveTextContent('Answer rate');
    expect(within(screen.getAllByTestId('kpi-metric')[1]!).getByTestId('kpi-source')).toHaveTextContent('Call log');
  });

  it('a click on a metric shows its inputs and where they came from', async () => {
    await renderWindow({
      'kpi.scorecard': () => card(3),
      'kpi.calls': () => ({
        total: 4,
        calls: [
          { callId: 'a@pbx', ringAt: '2026-03-15T04:00:00.000Z', answered: true, secondsToAnswer: 4.5, outcome: 'answered' },
          { callId: 'b@pbx', ringAt: '2026-03-15T03:00:00.000Z', answered: false, secondsToAnswer: null, outcome: 'missed' },
          { callId: 'c@pbx', ringAt: '2026-03-15T02:00:00.000Z', answered: false, secondsToAnswer: null, outcome: 'rejected' },
        ],
      }),
    });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getAllByTestId('kpi-metric')).toHaveLength(3));
    await userEvent.click(within(screen.getAllByTestId('kpi-metric')[1]!).getByTestId('kpi-metric-name'));
    const detail = screen.getByTestId('kpi-metric-detail');
    const inputs = within(detail).getAllByTestId('kpi-input');
    expect(inputs.map((i) => i.getAttribute('data-fact'))).toEqual(['offeredCalls', 'answeredCalls']);
    expect(within(inputs[0]!).getByTestId('kpi-provenance')).toHaveTextContent('来自 话务记录');
    expect(within(inputs[0]!).getByTestId('kpi-provenance')).toHaveTextContent('calls: inbound, ring_at in [a, b)');
    await userEvent.click(screen.getByTestId('kpi-show-calls'));
    await waitFor(() => expect(screen.getAllByTestId('kpi-call')).toHaveLength(3));
    expect(screen.getByTestId('kpi-calls')).toHaveTextContent('显示 3 / 共 4 个来电');
    expect(screen.getAllByTestId('kpi-call')[0]).toHaveTextContent('4.5 秒接起');
    expect(screen.getAllByTestId('kpi-call')[1]).toHaveTextContent('未接');
    // Counted as offered and not answered all the same, but the agent sees it was their reject.
    expect(screen.getAllByTestId('kpi-call')[2]).toHaveTextContent('已拒接');
    expect(screen.getAllByTestId('kpi-call')[2]).toHaveAttribute('data-outcome', 'rejected');
    await userEvent.click(within(screen.getAllByTestId('kpi-metric')[2]!).getByTestId('kpi-metric-name'));
    expect(screen.getByTestId('kpi-unavailable-reason')).toHaveTextContent('no data for evaluations');
    // Survey facts: no calls to drill into.
    expect(screen.queryByTestId('kpi-show-calls')).toBeNull();
  });

  it('the what-if asks the core with the agent’s numbers and shows the points it would add', async () => {
    const fake = await renderWindow({
      'kpi.scorecard': () => card(3),
      'kpi.whatIf': () => ({ overallBefore: 73, overallAfter: 74.5, overallDelta: 1.5, workUnitsBefore: -450, workUnitsAfter: -250, workUnitsDelta: 200, metrics: [] }),
    });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getByTestId('kpi-what-if')).toBeInTheDocument());
    await userEvent.clear(screen.getByTestId('kpi-what-if-calls'));
    await userEvent.type(screen.getByTestId('kpi-what-if-calls'), '12');
    await userEvent.click(screen.getByTestId('kpi-what-if-run'));
    await waitFor(() => expect(screen.getByTestId('kpi-what-if-result')).toHaveTextContent('再接 12 个 8 秒内接起的电话 → +1.5 分'));
    expect(screen.getByTestId('kpi-what-if-result')).toHaveTextContent('工分 +200');
    expect(fake.argsOf('kpi.whatIf')).toEqual([{ month: currentMonth(), change: { answeredWithinSeconds: { calls: 12, seconds: 8 } } }]);
  });

  describe('a what-if on a fact of the card', () => {
    const survey = { source: 'survey', importedAt: '2026-03-15T04:00:00.000Z', ref: 'survey.csv row 2' };
    // Satisfaction and the complaint rate both read evaluations; the answer rate reads the call log.
    const surveyed = () =>
      card(3, {
        metrics: [
          ...card(3).metrics.slice(0, 2),
          metric('satisfaction', {
            names: { 'zh-CN': '满意率', en: 'Satisfaction' },
            source: 'survey',
            inputs: [
              { fact: 'satisfiedEvaluations', value: 40, provenance: survey },
              { fact: 'evaluations', value: 50, provenance: survey },
            ],
          }),
          metric('complaint-rate', { names: { 'zh-CN': '投诉率', en: 'Complaint rate' }, source: 'complaints', inputs: [{ fact: 'evaluations', value: 50, provenance: survey }] }),
        ],
      });
    const reply = {
      overallBefore: 73,
      overallAfter: 75,
      overallDelta: 2,
      workUnitsBefore: -450,
      workUnitsAfter: -450,
      workUnitsDelta: 0,
      metrics: [
        { id: 'answer-rate', scoreBefore: 95, scoreAfter: 95, delta: 0 },
        { id: 'satisfaction', scoreBefore: 95, scoreAfter: 97.5, delta: 2.5 },
      ],
    };

    async function openWhatIf(handlers: FakeHandlers) {
      const fake = await renderWindow({ 'kpi.scorecard': () => surveyed(), ...handlers });
      await userEvent.click(screen.getByTestId('kpi-open'));
      await waitFor(() => expect(screen.getByTestId('kpi-what-if-fact')).toBeInTheDocument());
      return fake;
    }

    const options = () => Array.from((screen.getByTestId('kpi-what-if-fact') as HTMLSelectElement).options).map((o) => [o.value, o.textContent]);

    it('offers the facts the card is computed from, named by the metrics that use them, in the agent’s language', async () => {
      await openWhatIf({});
      expect(options()).toEqual([
        ['', '（不改其他数据）'],
        ['offeredCalls', '接通率（offeredCalls）'],
        ['answeredCalls', '接通率（answeredCalls）'],
        ['satisfiedEvaluations', '满意率（satisfiedEvaluations）'],
        ['evaluations', '满意率 / 投诉率（evaluations）'],
      ]);
      expect(screen.getByTestId('kpi-what-if-fact-delta')).toBeDisabled();
      await act(() => i18n.changeLanguage('en'));
      expect(options()[4]).toEqual(['evaluations', 'Satisfaction / Complaint rate (evaluations)']);
    });

    it('a fact delta alone (no calls) is sent alone, and the result says what was imagined and which metrics move', async () => {
      const fake = await openWhatIf({ 'kpi.whatIf': () => reply });
      await userEvent.clear(screen.getByTestId('kpi-what-if-calls'));
      await userEvent.type(screen.getByTestId('kpi-what-if-calls'), '0');
      await userEvent.selectOptions(screen.getByTestId('kpi-what-if-fact'), 'satisfiedEvaluations');
      await userEvent.type(screen.getByTestId('kpi-what-if-fact-delta'), '5');
      await userEvent.click(screen.getByTestId('kpi-what-if-run'));
      await waitFor(() => expect(screen.getByTestId('kpi-what-if-result')).toHaveTextContent('满意率（satisfiedEvaluations）+5 → +2 分（综合 75）'));
      expect(screen.getByTestId('kpi-what-if-result')).not.toHaveTextContent('再接');
      expect(fake.argsOf('kpi.whatIf')).toEqual([{ month: currentMonth(), change: { facts: { satisfiedEvaluations: 5 } } }]);
      // Only the metrics that move, by name.
      const moved = screen.getAllByTestId('kpi-what-if-metric');
      expect(moved.map((m) => m.getAttribute('data-id'))).toEqual(['satisfaction']);
      expect(moved[0]).toHaveTextContent('满意率：得分 95 → 97.5（+2.5）');
    });

    it('calls and a negative fact delta together are sent together', async () => {
      const fake = await openWhatIf({ 'kpi.whatIf': () => ({ ...reply, metrics: [{ id: 'complaint-rate', scoreBefore: 100, scoreAfter: 98, delta: -2 }] }) });
      await userEvent.selectOptions(screen.getByTestId('kpi-what-if-fact'), 'evaluations');
      await userEvent.type(screen.getByTestId('kpi-what-if-fact-delta'), '-1');
      await userEvent.click(screen.getByTestId('kpi-what-if-run'));
      await waitFor(() => expect(screen.getByTestId('kpi-what-if-result')).toHaveTextContent('再接 10 个 8 秒内接起的电话，并且满意率 / 投诉率（evaluations）-1 → +2 分'));
      expect(fake.argsOf('kpi.whatIf')).toEqual([{ month: currentMonth(), change: { answeredWithinSeconds: { calls: 10, seconds: 8 }, facts: { evaluations: -1 } } }]);
      expect(screen.getAllByTestId('kpi-what-if-metric').map((m) => m.textContent)).toEqual(['投诉率：得分 100 → 98（-2）']);
    });

    it('a delta beyond the contract’s bound is not sent', async () => {
      const fake = await openWhatIf({ 'kpi.whatIf': () => reply });
      await userEvent.selectOptions(screen.getByTestId('kpi-what-if-fact'), 'evaluations');
      await userEvent.type(screen.getByTestId('kpi-what-if-fact-delta'), '1000001');
      expect(screen.getByTestId('kpi-what-if-fact-delta')).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByTestId('kpi-what-if-run')).toBeDisabled();
      await userEvent.clear(screen.getByTestId('kpi-what-if-fact-delta'));
      await userEvent.type(screen.getByTestId('kpi-what-if-fact-delta'), '1000000');
      expect(screen.getByTestId('kpi-what-if-run')).toBeEnabled();
      await userEvent.click(screen.getByTestId('kpi-what-if-run'));
      await waitFor(() => expect(fake.argsOf('kpi.whatIf')).toHaveLength(1));
      expect(fake.argsOf('kpi.whatIf')[0]!.change.facts).toEqual({ evaluations: 1_000_000 });
    });

    it('shows the core’s refusal of a fact it does not know', async () => {
      await openWhatIf({
        'kpi.whatIf': () => {
          throw new ZuoxiError('invalid_input', 'Unknown KPI fact "satisfiedEvaluations"');
        },
      });
      await userEvent.selectOptions(screen.getByTestId('kpi-what-if-fact'), 'satisfiedEvaluations');
      await userEvent.type(screen.getByTestId('kpi-what-if-fact-delta'), '5');
      await userEvent.click(screen.getByTestId('kpi-what-if-run'));
      await waitFor(() => expect(screen.getByTestId('kpi-what-if-error')).toHaveTextContent('Unknown KPI fact "satisfiedEvaluations"'));
      expect(screen.getByTestId('kpi-what-if-error')).toHaveTextContent('推算失败');
      expect(screen.queryByTestId('kpi-what-if-result')).toBeNull();
    });
  });

  it('reads the month again when a call ends, so today’s progress moves; another month is asked for by the picker', async () => {
    let answered = 3;
    const fake = await renderWindow({ 'kpi.scorecard': ({ month }) => card(answered, { month }) });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getByTestId('kpi-overall')).toHaveTextContent('73'));
    answered = 4;
    act(() => fake.emit('calls.changed', callSummary('c1', { state: 'active' })));
    expect(fake.argsOf('kpi.scorecard')).toHaveLength(1);
    act(() => fake.emit('calls.changed', callSummary('c1', { state: 'ended' })));
    await waitFor(() => expect(screen.getByTestId('kpi-overall')).toHaveTextContent('74'));
    expect(within(screen.getAllByTestId('kpi-metric')[1]!).getByTestId('kpi-raw')).toHaveTextContent('100%');
    await act(() => useKpiStore.getState().setMonth('2026-01'));
    expect(fake.argsOf('kpi.scorecard').at(-1)).toEqual({ month: '2026-01' });
    expect(screen.getByTestId('kpi-month')).toHaveValue('2026-01');
    // A past month does not move with today's calls.
    act(() => fake.emit('calls.changed', callSummary('c2', { state: 'ended' })));
    expect(fake.argsOf('kpi.scorecard')).toHaveLength(3);
    await userEvent.click(screen.getByTestId('kpi-close'));
    expect(screen.queryByTestId('kpi-panel')).toBeNull();
  });

  it('shows the center’s month when this PC’s zone guesses another, and moves that month as calls end', async () => {
    // The PC says it is still last month; the center (settings.kpi's offset) is already in the next.
    const centerMonth = '2031-07';
    const fake = await renderWindow({ 'kpi.scorecard': ({ month }) => card(3, { month, currentMonth: centerMonth }) });
    useKpiStore.setState({ month: '2031-06' });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getByTestId('kpi-month')).toHaveValue(centerMonth));
    expect(fake.argsOf('kpi.scorecard')).toEqual([{ month: '2031-06' }, { month: centerMonth }]);
    act(() => fake.emit('calls.changed', callSummary('c1', { state: 'ended' })));
    await waitFor(() => expect(fake.argsOf('kpi.scorecard')).toHaveLength(3));
    expect(fake.argsOf('kpi.scorecard').at(-1)).toEqual({ month: centerMonth });
    // A month the agent picked stays picked.
    await act(() => useKpiStore.getState().setMonth('2031-06'));
    expect(screen.getByTestId('kpi-month')).toHaveValue('2031-06');
    expect(fake.argsOf('kpi.scorecard')).toHaveLength(4);
  });

  it('keeps the list of the month’s calls open when a call end reads the month again, with the new call in it', async () => {
    let total = 1;
    const fake = await renderWindow({
      'kpi.scorecard': () => card(3),
      'kpi.calls': () => ({ total, calls: Array.from({ length: total }, (_, i) => ({ callId: `c${i}`, ringAt: '2026-03-15T04:00:00.000Z', answered: true, secondsToAnswer: 2, outcome: 'answered' as const })) }),
    });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getAllByTestId('kpi-metric-name')).toHaveLength(3));
    await userEvent.click(screen.getAllByTestId('kpi-metric-name')[1]!);
    await userEvent.click(screen.getByTestId('kpi-show-calls'));
    await waitFor(() => expect(screen.getAllByTestId('kpi-call')).toHaveLength(1));
    total = 2;
    act(() => fake.emit('calls.changed', callSummary('c9', { state: 'ended' })));
    await waitFor(() => expect(screen.getAllByTestId('kpi-call')).toHaveLength(2));
    expect(fake.argsOf('kpi.calls')).toHaveLength(2);
  });

  it('draws the trend of the last months, and the scorecard still shows when the trend is refused', async () => {
    const fake = await renderWindow({
      'kpi.scorecard': () => card(3),
      'kpi.trend': () => [
        { month: '2026-01', overall: 78, workUnits: -50 },
        { month: '2026-02', overall: 82.5, workUnits: 0 },
        { month: '2026-03', overall: 91, workUnits: 50 },
      ],
    });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getAllByTestId('kpi-trend-point')).toHaveLength(3));
    expect(screen.getAllByTestId('kpi-trend-point').map((p) => p.getAttribute('data-overall'))).toEqual(['78', '82.5', '91']);
    expect(fake.argsOf('kpi.trend')).toEqual([{ month: currentMonth(), months: 6 }]);
    fake.handlers['kpi.trend'] = () => {
      throw new ZuoxiError('internal', 'no');
    };
    await act(() => useKpiStore.getState().load());
    await waitFor(() => expect(screen.queryByTestId('kpi-trend')).toBeNull());
    expect(screen.getByTestId('kpi-overall')).toHaveTextContent('73');
  });

  it('another profile is scored when the agent picks it', async () => {
    const fake = await renderWindow({
      'kpi.profiles': () => [
        { id: 'customer-service', version: 1, names: { 'zh-CN': '客服考核', en: 'Customer service' } },
        { id: 'securities-sales', version: 1, names: { 'zh-CN': '证券营销', en: 'Securities sales' } },
      ],
      'kpi.scorecard': ({ profileId }) => card(3, { profileId: profileId ?? 'customer-service', overall: profileId ? 105 : 73 }),
      'kpi.whatIf': () => ({ overallBefore: 105, overallAfter: 105, overallDelta: 0, workUnitsBefore: null, workUnitsAfter: null, workUnitsDelta: null, metrics: [] }),
    });
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getByTestId('kpi-profile')).toHaveValue('customer-service'));
    await userEvent.selectOptions(screen.getByTestId('kpi-profile'), 'securities-sales');
    await waitFor(() => expect(screen.getByTestId('kpi-overall')).toHaveTextContent('105'));
    expect(fake.argsOf('kpi.scorecard').at(-1)).toEqual({ month: currentMonth(), profileId: 'securities-sales' });
    await userEvent.click(screen.getByTestId('kpi-what-if-run'));
    await waitFor(() => expect(fake.argsOf('kpi.whatIf')).toHaveLength(1));
    expect(fake.argsOf('kpi.whatIf')[0]).toMatchObject({ profileId: 'securities-sales' });
  });

  it('a refused load shows the reason with a retry', async () => {
    await renderWindow({});
    await userEvent.click(screen.getByTestId('kpi-open'));
    await waitFor(() => expect(screen.getByTestId('kpi-load-error')).toBeInTheDocument());
  });
});
