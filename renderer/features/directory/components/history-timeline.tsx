import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isCrmEntry } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { historyKey, useDirectoryStore } from '../store';
import { CrmHistoryLine } from './crm-history-line';
import { InteractionLine } from './interaction-line';

/** Fixed row height (two clamped lines): no per-row measuring, so 10,000 rows scroll evenly. */
export const HISTORY_ROW_HEIGHT = 52;
/** How close to the end of what is loaded the next (older) page is asked for. */
const PREFETCH_ROWS = 30;

export function HistoryTimeline() {
  const { t } = useTranslation();
  const { contactId, items, nextCursor, loaded, loading, error } = useDirectoryStore((state) => state.history);
  const loadOlder = useDirectoryStore((state) => state.loadOlderHistory);
  const scrollRef = useRef<HTMLDivElement>(null);

  const hasMore = !loaded || nextCursor !== null;
  // One row past the items says what is happening at the old end (loading, failed, or the end).
  const count = items.length ? items.length + 1 : 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => HISTORY_ROW_HEIGHT,
    overscan: 10,
  });
  const rows = virtualizer.getVirtualItems();
  const lastVisible = rows.length ? rows[rows.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && !error && lastVisible >= items.length - PREFETCH_ROWS) void loadOlder();
  }, [hasMore, loading, error, lastVisible, items.length, loadOlder]);

  const retry = () => void loadOlder();
  const tail = loading ? (
    <p className="muted" role="status" data-testid="history-loading">
      {t('history.loadingMore')}
    </p>
  ) : error ? (
    <ErrorNote failure={error} context={t('history.failed')} onRetry={retry} testId="history-error" />
  ) : hasMore ? null : (
    <p className="muted" data-testid="history-end">
      {items.length ? t('history.end') : t('history.empty')}
    </p>
  );

  // A caller only a CRM connector knows has no local history (their card says so).
  if (contactId === null) return null;
  return (
    <section className="history" aria-label={t('history.title')}>
      <h2 className="section-title">{t('history.title')}</h2>
      {items.length === 0 && tail}
      <div ref={scrollRef} className="history-scroll" data-testid="history-timeline" role="list" aria-label={t('history.list')}>
        <div className="history-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => {
            const item = items[row.index];
            const crm = item !== undefined && isCrmEntry(item);
            return (
              <div
                key={item ? historyKey(item) : 'tail'}
                className={item ? (crm ? 'history-row history-row-crm' : 'history-row') : 'history-row history-tail'}
                role="listitem"
                aria-posinset={row.index + 1}
                aria-setsize={hasMore ? -1 : count}
                data-testid={item ? 'history-item' : 'history-tail'}
                data-kind={item?.kind}
                data-index={row.index}
                style={{ height: row.size, transform: `translateY(${row.start}px)` }}
              >
                {item ? isCrmEntry(item) ? <CrmHistoryLine entry={item} /> : <InteractionLine item={item} /> : tail}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
