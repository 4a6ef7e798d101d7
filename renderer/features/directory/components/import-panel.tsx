import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportReport, ImportRowError } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { FileButton } from '../../../ui/file-button';
import { useDirectoryStore, type ImportFailure } from '../store';

/** A file with this many bad rows is not worth listing whole; the count says the rest. */
export const MAX_LISTED_BAD_ROWS = 500;

export function ImportPanel() {
  const { t } = useTranslation();
  const titleId = useId();
  const state = useDirectoryStore((s) => s.import);
  const importFile = useDirectoryStore((s) => s.importFile);
  const dismiss = useDirectoryStore((s) => s.dismissImport);
  const busy = state.phase === 'reading' || state.phase === 'running';

  return (
    <section className="import-panel" aria-labelledby={titleId}>
      <h2 className="section-title" id={titleId}>
        {t('import.title')}
      </h2>
      <FileButton
        label={t('import.choose')}
        accept=".csv,.vcf,text/csv,text/vcard,text/x-vcard"
        disabled={busy}
        testId="import-input"
        onFile={(file) => void importFile(file)}
      />
      <p className="muted hint">{t('import.hint')}</p>

      {state.phase === 'reading' && (
        <p role="status" className="ellipsis">
          {t('import.reading', { fileName: state.fileName })}
        </p>
      )}
      {state.phase === 'running' && (
        <div className="import-progress" role="status">
          <p className="ellipsis">{t('import.starting', { fileName: state.fileName })}</p>
          {/* Without a total yet the bar is indeterminate rather than a misleading 0 %. */}
          <progress
            data-testid="import-progress"
            aria-label={t('import.progressLabel')}
            max={state.total || undefined}
            value={state.total ? state.processed : undefined}
          />
          {state.total > 0 && (
            <span className="muted">{t('import.progress', { processed: state.processed, total: state.total })}</span>
          )}
        </div>
      )}
      {state.phase === 'done' && <ImportReportView fileName={state.fileName} report={state.report} onDismiss={dismiss} />}
      {state.phase === 'failed' && <ImportFailureView failure={state.failure} onDismiss={dismiss} />}
    </section>
  );
}

function ImportReportView({ fileName, report, onDismiss }: { fileName: string; report: ImportReport; onDismiss: () => void }) {
  const { t } = useTranslation();
  const counts = [
    { label: t('import.totalRows'), value: report.totalRows, testId: 'import-total' },
    { label: t('import.imported'), value: report.imported, testId: 'import-imported' },
    { label: t('import.merged'), value: report.merged, testId: 'import-merged' },
    { label: t('import.encoding'), value: report.encoding, testId: 'import-encoding' },
  ];
  return (
    <section className="import-report" data-testid="import-report" aria-label={t('import.report')}>
      <h3 className="ellipsis" title={fileName}>
        {t('import.done', { fileName })}
      </h3>
      <dl className="import-counts">
        {counts.map(({ label, value, testId }) => (
          <div key={testId}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      {report.ignoredColumns.length > 0 && (
        <p className="muted ellipsis" title={report.ignoredColumns.join(', ')}>
          {t('import.ignoredColumns', { columns: report.ignoredColumns.join(', ') })}
        </p>
      )}
      {report.errors.length ? (
        <RowProblems title={t('import.badRows')} problems={report.errors} kind="error" />
      ) : (
        <p className="muted">{t('import.noBadRows')}</p>
      )}
      {report.warnings.length > 0 && <RowProblems title={t('import.warnedRows')} problems={report.warnings} kind="warning" />}
      <button type="button" className="link-button" onClick={onDismiss}>
        {t('common.dismiss')}
      </button>
    </section>
  );
}

/** Each row's problem in the agent's language; the English reason stays in the tooltip. */
function RowProblems({ title, problems, kind }: { title: string; problems: ImportRowError[]; kind: 'error' | 'warning' }) {
  const { t } = useTranslation();
  const listed = problems.slice(0, MAX_LISTED_BAD_ROWS);
  return (
    <>
      <h4>
        {title} <span data-testid={`import-${kind}-count`}>{problems.length}</span>
      </h4>
      <ol className="bad-rows" data-testid={`import-${kind}s`}>
        {listed.map((problem, index) => (
          <li key={`${problem.row}-${index}`} data-testid={`import-${kind}-row`} data-row={problem.row} data-code={problem.code}>
            <span className="bad-row-number">{t('import.row', { row: problem.row })}</span>
            <span className="bad-row-reason" title={problem.reason}>
              {t(`import.rowProblems.${problem.code}`, { detail: problem.detail })}
            </span>
          </li>
        ))}
      </ol>
      {problems.length > listed.length && <p className="muted">{t('import.moreBadRows', { count: problems.length - listed.length })}</p>}
    </>
  );
}

function ImportFailureView({ failure, onDismiss }: { failure: ImportFailure; onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="import-failure" data-testid="import-failure">
      {failure.reason === 'refused' ? (
        <ErrorNote failure={failure.failure} context={t('import.failed')} />
      ) : (
        <p role="alert" className="error-note">
          {failure.reason === 'too_large' ? t('import.tooLarge') : t('import.unreadable')}
        </p>
      )}
      <button type="button" className="link-button" onClick={onDismiss}>
        {t('common.dismiss')}
      </button>
    </div>
  );
}
