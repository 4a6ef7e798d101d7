import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../main/common/domain';
import { formatDateTime } from '../../../i18n/format';
import { ErrorNote } from '../../../ui/error-note';
import { FileButton } from '../../../ui/file-button';
import { useKpiFactsStore } from '../facts-store';

/**
 * "Where the numbers come from": import a CSV of the facts that live in other systems
 * (surveys, complaints, QA, exams, training, supervisor marks, sales, the team's N1) or
 * fetch them from the center's endpoint, see what each import took in and refused, and
 * the list of imports so far.
 */
export function KpiFacts({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const titleId = useId();
  const { imports, pending, report, error } = useKpiFactsStore();
  const { opened, importFile, fetchMonth, dismiss } = useKpiFactsStore.getState();

  useEffect(() => {
    void opened();
  }, [opened]);

  return (
    <section className="kpi-facts" data-testid="kpi-facts" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('kpi.facts.title')}</h3>
      <p className="muted hint">{t('kpi.facts.hint')}</p>
      <div className="kpi-facts-actions">
        <FileButton
          label={t('kpi.facts.importCsv')}
          accept=".csv,.tsv,.txt,text/csv"
          disabled={pending !== null}
          testId="kpi-facts-input"
          onFile={(file) => void importFile(file)}
        />
        <button type="button" className="secondary" data-testid="kpi-facts-fetch" disabled={pending !== null} onClick={() => void fetchMonth()}>
          {t('kpi.facts.fetch')}
        </button>
      </div>

      {pending && (
        <p role="status" data-testid="kpi-facts-pending">
          {pending.kind === 'csv' ? t('kpi.facts.reading', { fileName: pending.fileName }) : t('kpi.facts.fetching', { month: pending.month })}
        </p>
      )}
      {error && <ErrorNote failure={error} context={t('kpi.facts.failed')} testId="kpi-facts-error" />}
      {report && (
        <div className="kpi-facts-report" role="status" data-testid="kpi-facts-report" data-problems={report.problemCount}>
          <p>
            {t('kpi.facts.taken', { origin: report.import.origin, count: report.import.factCount, months: report.import.months.join(', ') })}{' '}
            {t('kpi.facts.split', { mine: report.forThisAgent, team: report.teamFacts, others: report.otherAgents, agent: report.agent || '—' })}
          </p>
          {report.forThisAgent === 0 && report.teamFacts === 0 && (
            <p className="kpi-facts-warning" data-testid="kpi-facts-not-mine">
              {t('kpi.facts.notMine', { agent: report.agent || '—' })}
            </p>
          )}
          {report.importedBefore && <p className="muted">{t('kpi.facts.importedBefore', { at: formatDateTime(report.importedBefore, locale) })}</p>}
          {report.ignoredColumns.length > 0 && <p className="kpi-facts-warning">{t('kpi.facts.ignoredColumns', { columns: report.ignoredColumns.join(', ') })}</p>}
          {report.problemCount > 0 && (
            <details open={report.problemCount <= 10}>
              <summary>{t('kpi.facts.problems', { count: report.problemCount })}</summary>
              <ul className="bad-rows">
                {report.problems.map((problem, index) => (
                  <li key={index} data-testid="kpi-facts-problem">
                    <span className="bad-row-number">{problem.ref}</span> <span className="bad-row-reason">{problem.reason}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
          <button type="button" className="link-button" onClick={dismiss}>
            {t('kpi.facts.dismiss')}
          </button>
        </div>
      )}

      {imports && imports.length > 0 && (
        <ul className="kpi-facts-imports" data-testid="kpi-facts-imports">
          {imports.map((item) => (
            <li key={item.id} data-testid="kpi-facts-import" data-origin={item.origin}>
              {t(item.kind === 'csv' ? 'kpi.facts.importedCsv' : 'kpi.facts.importedRest', {
                origin: item.origin,
                at: formatDateTime(item.importedAt, locale),
                count: item.factCount,
                months: item.months.join(', '),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
