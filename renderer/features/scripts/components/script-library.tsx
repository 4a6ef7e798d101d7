import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../main/common/domain';
import { formatDateTime } from '../../../i18n/format';
import { Drawer, useFocusReturn } from '../../../ui/drawer';
import { ErrorNote } from '../../../ui/error-note';
import { FileButton } from '../../../ui/file-button';
import { useScriptLibraryStore, type ScriptImportOutcome, type ScriptProblem, type ScriptSummary } from '../library-store';

/** The work row's way into the script library (话术库); focus comes back here when it closes. */
export function ScriptLibraryButton() {
  const { t } = useTranslation();
  const open = useScriptLibraryStore((s) => s.open);
  const show = useScriptLibraryStore((s) => s.show);
  const button = useFocusReturn<HTMLButtonElement>(open);

  return (
    <button ref={button} type="button" className="script-library-button secondary" data-testid="script-library-open" aria-haspopup="dialog" aria-expanded={open} onClick={show}>
      {t('scripts.library.open')}
    </button>
  );
}

/** The center's scripts: which lines and queues each one serves, its version; import a YAML/JSON file, export one, remove one. */
export function ScriptLibraryPanel() {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { open, scripts, loading, loadError, importing, outcome, importError, exportError, removeError } = useScriptLibraryStore();
  const { hide, load, importFile, dismiss } = useScriptLibraryStore.getState();

  if (!open) return null;
  return (
    <Drawer
      kind="script-library"
      title={t('scripts.library.title')}
      closeLabel={t('scripts.library.close')}
      testId="script-library"
      closeTestId="script-library-close"
      onClose={hide}
      closeOnBackdrop
      busy={loading}
    >
      <div className="script-library-import">
        <FileButton
          label={t('scripts.library.import')}
          accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
          disabled={importing !== null}
          testId="script-library-input"
          onFile={(file) => void importFile(file)}
        />
        <p className="muted hint">{t('scripts.library.hint')}</p>
      </div>
      {importing && (
        <p role="status" className="ellipsis">
          {t('scripts.library.importing', { fileName: importing })}
        </p>
      )}
      {importError && <ErrorNote failure={importError} context={t('scripts.library.importFailed')} testId="script-library-import-error" />}
      {outcome && <ImportOutcome outcome={outcome} onDismiss={dismiss} />}

      {loadError && <ErrorNote failure={loadError} context={t('scripts.library.loadFailed')} onRetry={() => void load()} testId="script-library-load-error" />}
      {exportError && <ErrorNote failure={exportError} context={t('scripts.library.exportFailed')} testId="script-library-export-error" />}
      {removeError && <ErrorNote failure={removeError} context={t('scripts.library.removeFailed')} testId="script-library-remove-error" />}
      {!scripts && loading && <p role="status">{t('scripts.library.loading')}</p>}
      {scripts && scripts.length === 0 && (
        <p className="muted" data-testid="script-library-empty">
          {t('scripts.library.empty')}
        </p>
      )}
      {scripts && scripts.length > 0 && <ScriptTable scripts={scripts} locale={locale} />}
    </Drawer>
  );
}

function ScriptTable({ scripts, locale }: { scripts: ScriptSummary[]; locale: Locale }) {
  const { t } = useTranslation();
  const exporting = useScriptLibraryStore((s) => s.exporting);
  const exportScript = useScriptLibraryStore((s) => s.exportScript);
  return (
    <table className="script-library-table" data-testid="script-library-table">
      <thead>
        <tr>
          <th>{t('scripts.library.col.name')}</th>
          <th>{t('scripts.library.col.chosenBy')}</th>
          <th>{t('scripts.library.col.version')}</th>
          <th>{t('scripts.library.col.updated')}</th>
          <th>{t('scripts.library.col.export')}</th>
          <th>{t('scripts.library.col.remove')}</th>
        </tr>
      </thead>
      <tbody>
        {scripts.map((script) => (
          <tr key={script.id} data-testid="script-library-row" data-script-id={script.id}>
            <td>
              <span data-testid="script-library-name">{script.name}</span>
              {script.fileName && <span className="muted script-library-file">{script.fileName}</span>}
            </td>
            <td data-testid="script-library-chosen-by">
              <ChosenBy chosenBy={script.chosenBy} />
            </td>
            <td data-testid="script-library-version">{script.version}</td>
            <td data-testid="script-library-updated">{formatDateTime(script.updatedAt, locale)}</td>
            <td className="script-library-export">
              {(['yaml', 'json'] as const).map((format) => (
                <button
                  key={format}
                  type="button"
                  className="secondary"
                  data-testid={`script-library-export-${format}`}
                  aria-label={t(`scripts.library.exportAs.${format}`, { name: script.name })}
                  disabled={exporting !== null}
                  onClick={() => void exportScript(script.id, format)}
                >
                  {format.toUpperCase()}
                </button>
              ))}
            </td>
            <td className="script-library-remove">
              <RemoveScript script={script} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A delete button; pressed, it becomes "删除 话术名?" with confirm and cancel, right in the row (never a browser dialog). */
function RemoveScript({ script }: { script: ScriptSummary }) {
  const { t } = useTranslation();
  const confirming = useScriptLibraryStore((s) => s.confirmingRemove === script.id);
  const removing = useScriptLibraryStore((s) => s.removing);
  const { askRemove, cancelRemove, removeScript } = useScriptLibraryStore.getState();
  if (!confirming) {
    return (
      <button
        type="button"
        className="secondary"
        data-testid="script-library-remove"
        aria-label={t('scripts.library.removeLabel', { name: script.name })}
        disabled={removing !== null}
        onClick={() => askRemove(script.id)}
      >
        {t('scripts.library.remove')}
      </button>
    );
  }
  return (
    <div role="group" className="script-library-confirm" data-testid="script-library-remove-confirm" aria-label={t('scripts.library.confirmRemove', { name: script.name })}>
      <span>{t('scripts.library.confirmRemove', { name: script.name })}</span>
      <button type="button" className="script-library-remove-yes" data-testid="script-library-remove-yes" disabled={removing !== null} onClick={() => void removeScript(script.id)}>
        {t('scripts.library.removeYes')}
      </button>
      <button type="button" className="secondary" data-testid="script-library-remove-no" disabled={removing !== null} onClick={cancelRemove}>
        {t('scripts.library.removeNo')}
      </button>
    </div>
  );
}

function ChosenBy({ chosenBy }: { chosenBy: ScriptSummary['chosenBy'] }) {
  const { t } = useTranslation();
  const lines = [
    chosenBy.numbers.length > 0 && t('scripts.library.numbers', { list: chosenBy.numbers.join(', ') }),
    chosenBy.queues.length > 0 && t('scripts.library.queues', { list: chosenBy.queues.join(', ') }),
    chosenBy.default && t('scripts.library.default'),
  ].filter((line): line is string => typeof line === 'string');
  if (lines.length === 0) return <span className="muted">{t('scripts.library.unclaimed')}</span>;
  return (
    <ul className="script-library-chosen">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

function ImportOutcome({ outcome, onDismiss }: { outcome: ScriptImportOutcome; onDismiss: () => void }) {
  const { t } = useTranslation();
  let body;
  if (outcome.kind === 'imported') {
    const { name, version } = outcome.script;
    body = (
      <>
        <p role="status">{t(outcome.replaced ? 'scripts.library.replaced' : 'scripts.library.imported', { name, version, fileName: outcome.fileName })}</p>
        <Problems title={t('scripts.library.warnings')} problems={outcome.warnings} />
      </>
    );
  } else if (outcome.kind === 'refused') {
    body = (
      <>
        <p role="alert" className="error-note">
          {t('scripts.library.refused', { fileName: outcome.fileName, count: outcome.errors.length })}
        </p>
        <Problems title={t('scripts.library.errors')} problems={outcome.errors} />
        <Problems title={t('scripts.library.warnings')} problems={outcome.warnings} />
      </>
    );
  } else {
    body = (
      <p role="alert" className="error-note">
        {t(`scripts.library.${outcome.kind === 'too_large' ? 'tooLarge' : 'unreadable'}`, { fileName: outcome.fileName })}
      </p>
    );
  }
  return (
    <div className="script-library-outcome" data-testid="script-library-outcome" data-kind={outcome.kind}>
      {body}
      <button type="button" className="link-button" onClick={onDismiss}>
        {t('common.dismiss')}
      </button>
    </div>
  );
}

/** Each problem where the core found it (line, column), what kind it is in the agent's language, and the core's reason. */
function Problems({ title, problems }: { title: string; problems: ScriptProblem[] }) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ol className="bad-rows">
        {problems.map((problem, index) => (
          <li
            key={`${problem.line}:${problem.column}:${index}`}
            data-testid={`script-library-${problem.severity}`}
            data-line={problem.line}
            data-column={problem.column}
            data-code={problem.code}
          >
            <span className="bad-row-number">{t('scripts.library.at', { line: problem.line, column: problem.column })}</span>{' '}
            <span className="bad-row-reason">
              {t(`scripts.library.problem.${problem.code}`)}: {problem.reason}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
