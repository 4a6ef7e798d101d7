import '@testing-library/jest-dom';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { KpiFactImport, KpiFactImportReport } from '../../../main/common/channels/kpi';
import { ZuoxiError } from '../../../main/common/errors';
import { KpiFacts } from '../../../renderer/features/kpi/components/kpi-facts';
import { initialKpiFacts, useKpiFactsStore } from '../../../renderer/features/kpi/facts-store';
import { initialKpi, useKpiStore } from '../../../renderer/features/kpi/store';
import type { SettingsView } from '../../../main/common/domain';
import { useSettingsStore } from '../../../renderer/features/settings/store';
import { freshApi, settingsView, type FakeHandlers } from '../fake-api';

const surveyImport: KpiFactImport = { id: 1, kind: 'csv', origin: '满意度.csv', importedAt: '2026-11-20T06:00:00.000Z', factCount: 3, months: ['2026-11'] };

function report(overrides: Partial<KpiFactImportReport> = {}): KpiFactImportReport {
  return {
    import: surveyImport,
    forThisAgent: 2,
    teamFacts: 1,
    otherAgents: 0,
    agent: '8001',
    problemCount: 1,
    problems: [{ ref: 'row 4', reason: '"x" is not a number' }],
    ignoredColumns: ['evaluatons'],
    importedBefore: null,
    ...overrides,
  };
}

async function renderFacts(handlers: FakeHandlers, settings: SettingsView | null = null) {
  const fake = await freshApi({ 'kpi.scorecard': () => Promise.reject(new ZuoxiError('unavailable', 'not in this test')), 'kpi.trend': () => [], ...handlers });
  useSettingsStore.setState({ view: settings });
  useKpiStore.setState({ ...initialKpi, month: '2026-11', open: true });
  useKpiFactsStore.setState(initialKpiFacts);
  render(<KpiFacts locale="zh-CN" />);
  return fake;
}

const csvFile = (text: string, name = '满意度.csv') => new File([text], name, { type: 'text/csv' });

describe('the scorecard’s facts section', () => {
  it('imports a chosen CSV as base64, shows what it took and refused, lists it, and reads the scorecard again', async () => {
    let imported: KpiFactImport[] = [];
    const fake = await renderFacts({
      'kpi.factImports': () => imported,
      'kpi.importFacts': () => {
        imported = [surveyImport];
        return report();
      },
    });
    await waitFor(() => expect(fake.argsOf('kpi.factImports')).toHaveLength(1));
    expect(screen.queryByTestId('kpi-facts-imports')).toBeNull();

    await userEvent.upload(screen.getByTestId('kpi-facts-input'), csvFile('工号,月份,评价数\n8001,2026-11,7\n'));
    const shown = await screen.findByTestId('kpi-facts-report');
    expect(fake.argsOf('kpi.importFacts')).toEqual([{ fileName: '满意度.csv', contentBase64: Buffer.from('工号,月份,评价数\n8001,2026-11,7\n').toString('base64') }]);
    expect(shown).toHaveTextContent('满意度.csv：2026-11 共 3 项数据');
    expect(shown).toHaveTextContent('其中 2 项是你的（8001），1 项是班组的');
    expect(shown).toHaveTextContent('evaluatons');
    expect(within(shown).getAllByTestId('kpi-facts-problem').map((li) => li.textContent)).toEqual(['row 4 "x" is not a number']);
    expect(screen.queryByTestId('kpi-facts-not-mine')).toBeNull();
    // The numbers the file moved show at once.
    await waitFor(() => expect(fake.argsOf('kpi.scorecard')).toEqual([{ month: '2026-11' }]));
    await waitFor(() => expect(screen.getAllByTestId('kpi-facts-import').map((li) => li.getAttribute('data-origin'))).toEqual(['满意度.csv']));
  });

  it('warns when no figure is for this seat’s agent or the team', async () => {
    await renderFacts({ 'kpi.factImports': () => [], 'kpi.importFacts': () => report({ forThisAgent: 0, teamFacts: 0, otherAgents: 40, problemCount: 0, problems: [] }) });
    await userEvent.upload(screen.getByTestId('kpi-facts-input'), csvFile('agent,month,examScore\n9001,2026-11,80\n'));
    expect(await screen.findByTestId('kpi-facts-not-mine')).toHaveTextContent('坐席 8001');
  });

  it('fetches the scorecard’s month from the center, and shows a refusal with the core’s reason', async () => {
    const fake = await renderFacts({
      'kpi.factImports': () => [],
      'kpi.fetchFacts': () => {
        throw new ZuoxiError('unavailable', 'The KPI facts endpoint https://bi/kpi answered 500; nothing was imported');
      },
    });
    await userEvent.click(screen.getByTestId('kpi-facts-fetch'));
    const error = await screen.findByTestId('kpi-facts-error');
    expect(fake.argsOf('kpi.fetchFacts')).toEqual([{ month: '2026-11' }]);
    expect(error).toHaveAttribute('data-code', 'unavailable');
    expect(error).toHaveTextContent('answered 500');
    expect(error).toHaveTextContent('没有导入任何数据');
    expect(fake.argsOf('kpi.scorecard')).toEqual([]);
  });

  it('refuses a file over the contract’s size in the window, before sending it', async () => {
    const fake = await renderFacts({ 'kpi.factImports': () => [] });
    const big = new File([new Uint8Array(7 * 1024 * 1024 + 1)], 'huge.csv', { type: 'text/csv' });
    await userEvent.upload(screen.getByTestId('kpi-facts-input'), big);
    expect(await screen.findByTestId('kpi-facts-error')).toHaveAttribute('data-code', 'invalid_input');
    expect(fake.argsOf('kpi.importFacts')).toEqual([]);
  });

  describe('with the center’s endpoint set', () => {
    const withEndpoint = settingsView({ kpi: { value: { centerUtcOffsetMinutes: 480, factsEndpoint: { url: 'https://bi/kpi?agent={agent}&month={month}', tokenSecret: null, timeoutMs: 5000 } }, layer: 'policy' } });
    const restImport = (importedAt: string, months = ['2026-11']): KpiFactImport => ({ id: 2, kind: 'rest', origin: 'https://bi/kpi?agent=8001&month=2026-11', importedAt, factCount: 5, months });

    it('fetches the month when the section opens, and shows what came', async () => {
      const fake = await renderFacts({ 'kpi.factImports': () => [], 'kpi.fetchFacts': () => report({ import: restImport(new Date().toISOString()) }) }, withEndpoint);
      expect(await screen.findByTestId('kpi-facts-report')).toHaveTextContent('https://bi/kpi?agent=8001&month=2026-11');
      expect(fake.argsOf('kpi.fetchFacts')).toEqual([{ month: '2026-11' }]);
    });

    it('does not fetch again within the hour, but does for an older fetch or another month', async () => {
      const recent = new Date(Date.now() - 10 * 60_000).toISOString();
      let fake = await renderFacts({ 'kpi.factImports': () => [restImport(recent)], 'kpi.fetchFacts': () => report() }, withEndpoint);
      await waitFor(() => expect(fake.argsOf('kpi.factImports')).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fake.argsOf('kpi.fetchFacts')).toEqual([]);
      cleanup();

      fake = await renderFacts({ 'kpi.factImports': () => [restImport(new Date(Date.now() - 2 * 3_600_000).toISOString())], 'kpi.fetchFacts': () => report() }, withEndpoint);
      await waitFor(() => expect(fake.argsOf('kpi.fetchFacts')).toEqual([{ month: '2026-11' }]));
      cleanup();

      fake = await renderFacts({ 'kpi.factImports': () => [restImport(recent, ['2026-10'])], 'kpi.fetchFacts': () => report() }, withEndpoint);
      await waitFor(() => expect(fake.argsOf('kpi.fetchFacts')).toEqual([{ month: '2026-11' }]));
    });

    it('does not fetch by itself without an endpoint', async () => {
      const fake = await renderFacts({ 'kpi.factImports': () => [] }, settingsView());
      await waitFor(() => expect(fake.argsOf('kpi.factImports')).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fake.argsOf('kpi.fetchFacts')).toEqual([]);
    });
  });
});
