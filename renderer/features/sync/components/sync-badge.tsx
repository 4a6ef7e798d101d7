import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { syncIsQuiet, useSyncStore } from '../store';

/** "n waiting to sync" in the status bar; hidden while nothing waits and the worker is idle. */
export function SyncBadge() {
  const { t } = useTranslation();
  const status = useSyncStore((s) => s.status);
  const load = useSyncStore((s) => s.load);
  const retrying = useSyncStore((s) => s.retrying);
  const retryFailed = useSyncStore((s) => s.retryFailed);
  const retryError = useSyncStore((s) => s.retryError);
  useEffect(() => void load(), [load]);

  if (!status || syncIsQuiet(status)) return null;
  const { done, total } = status.progress;
  // The back office's own words: text from the network, shown as text (a tooltip).
  const title = [t(`sync.activity.${status.activity}`), status.lastError ? t('sync.lastError', { error: status.lastError }) : null]
    .filter((line): line is string => line !== null)
    .join('\n');
  return (
    <span className="status-pill sync-badge" data-testid="sync-badge" data-activity={status.activity} title={title}>
      <span className="status-dot" aria-hidden="true" />
      <span data-testid="sync-pending">{t('sync.pending', { count: status.pending })}</span>
      {status.activity === 'sending' && total > 0 && (
        <span className="muted" data-testid="sync-progress">
          {t('sync.progress', { done, total })}
        </span>
      )}
      {status.failed > 0 && (
        <>
          <span className="sync-failed" data-testid="sync-failed">
            {t('sync.failed', { count: status.failed })}
          </span>
          <button type="button" className="link-button" data-testid="sync-retry" disabled={retrying} onClick={() => void retryFailed()}>
            {t('common.retry')}
          </button>
        </>
      )}
      {retryError && (
        <span className="status-error" role="alert" data-testid="sync-retry-error">
          {t(`errors.${retryError.code}`)}
        </span>
      )}
    </span>
  );
}
