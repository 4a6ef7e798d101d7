import { useTranslation } from 'react-i18next';
import type { CardFact, CardSource, ContactCard } from '../../../../main/common/domain';
import { useLocaleStore } from '../../locale/store';
import { formatFetchedAt, isDegraded, sourceLabel, sourceOfFact, sourceReason } from './card-sources';

/**
 * Where the card's facts came from, in one compact line: "本地通讯录 · LDAP corp-ldap ● ·
 * CRM crm 离线，数据更新于 11月29日 14:02". Each source with its state: up to date (a
 * dot), no record, checking… (asked, not answered yet), offline since its data was
 * fetched, or unavailable. The full story is in each entry's tooltip.
 */
export function CardSourcesLine({ card }: { card: ContactCard }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const sources = card.sources ?? [];
  // A card from directory.card (the agent opened a contact) has no lookup behind it.
  if (sources.length === 0) return null;
  return (
    <div className="card-sources" data-testid="card-sources">
      <span className="card-sources-label">{t('cardSources.label')}</span>
      <ul className="card-sources-list" aria-label={t('cardSources.label')}>
        {sources.map((source) => {
          const label = sourceLabel(source, t);
          const time = source.fetchedAt ? formatFetchedAt(source.fetchedAt, locale) : '';
          const state = stateOf(source);
          const reason = sourceReason(source, t);
          const title =
            state === 'fresh'
              ? t('cardSources.title.fresh', { source: label, time })
              : state === 'noRecord'
                ? t('cardSources.title.noRecord', { source: label })
                : state === 'pending'
                  ? t('cardSources.title.pending', { source: label })
                  : t(`cardSources.title.${state}`, { source: label, reason, time });
          return (
            <li
              key={`${source.connector}:${source.name}`}
              className="card-source"
              data-testid="card-source"
              data-source={source.name}
              data-connector={source.connector}
              data-status={source.status}
              data-matched={source.matched ? 'true' : 'false'}
              title={source.errorDetail ? `${title} — ${source.errorDetail}` : title}
            >
              <span className="card-source-name ellipsis">{label}</span>
              <span className="card-source-state" data-state={state}>
                {state === 'fresh' ? (
                  <>
                    <span className="card-source-dot" aria-hidden="true" />
                    <span className="visually-hidden">{t('cardSources.status.fresh')}</span>
                  </>
                ) : state === 'stale' ? (
                  t('cardSources.status.stale', { time })
                ) : (
                  t(`cardSources.status.${state}`)
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

type SourceState = 'fresh' | 'noRecord' | 'pending' | 'stale' | 'failed';

function stateOf(source: CardSource): SourceState {
  if (source.status === 'fresh') return source.matched ? 'fresh' : 'noRecord';
  return source.status;
}

/**
 * The "offline / stale since …" note: shown whenever a source the card relies on failed,
 * so the agent knows which facts may be old and since when. `data-sources` lists the
 * failing sources' names.
 */
export function CardStaleNote({ card }: { card: ContactCard }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const degraded = (card.sources ?? []).filter(isDegraded);
  if (degraded.length === 0) return null;
  return (
    <div className="card-stale-note" role="note" data-testid="card-stale-note" data-sources={degraded.map((source) => source.name).join(' ')}>
      <span className="card-stale-note-title">{t('cardSources.staleNote.title')}</span>
      <ul>
        {degraded.map((source) => {
          const label = sourceLabel(source, t);
          const reason = sourceReason(source, t);
          const text =
            source.status === 'stale' && source.fetchedAt
              ? t('cardSources.staleNote.stale', { source: label, reason, time: formatFetchedAt(source.fetchedAt, locale) })
              : t('cardSources.staleNote.failed', { source: label, reason });
          return (
            <li
              key={`${source.connector}:${source.name}`}
              data-testid="card-stale-source"
              data-source={source.name}
              data-status={source.status}
              data-error={source.error ?? undefined}
              data-fetched-at={source.fetchedAt ?? undefined}
              title={source.errorDetail ?? undefined}
            >
              {text}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * A small tag after a fact a connector supplied: its source's name, the time its data was
 * fetched in the tooltip, marked when that source is offline. Facts from the local
 * directory carry no tag (that is the default).
 */
export function FactSource({ card, fact }: { card: ContactCard; fact: CardFact }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const source = sourceOfFact(card, fact);
  if (!source || source.connector === 'local') return null;
  const label = sourceLabel(source, t);
  const title = source.fetchedAt
    ? t('cardSources.factFromAt', { source: label, time: formatFetchedAt(source.fetchedAt, locale) })
    : t('cardSources.factFrom', { source: label });
  return (
    <span
      className="fact-source ellipsis"
      data-testid="fact-source"
      data-fact={fact}
      data-source={source.name}
      data-status={source.status}
      title={title}
    >
      {source.name}
    </span>
  );
}
