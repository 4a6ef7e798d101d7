import { useTranslation } from 'react-i18next';
import type { CrmHistoryEntry } from '../../../../main/common/domain';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../locale/store';
import { formatFetchedAt, sourceLabel } from './card-sources';

/**
 * A CRM connector's ticket or contact in the history timeline, in the two lines of an
 * interaction: what it is, when, and "as of <when the CRM said it>, from <connector>";
 * then its title or summary. Every value is CRM data: text, one line, cut with an
 * ellipsis and whole in the tooltip. An entry without a date of its own (it stands where
 * the answer was fetched) shows the CRM's text for its date, or "no date".
 */
export function CrmHistoryLine({ entry }: { entry: CrmHistoryEntry }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const name = entry.kind === 'crm_ticket' ? entry.ticket.source : entry.contact.source;
  const source = sourceLabel({ connector: entry.connector, name }, t);
  const asOf = t('history.crm.asOf', { time: formatFetchedAt(entry.fetchedAt, locale), source });
  const ownTime = entry.kind === 'crm_ticket' ? entry.ticket.createdAt : entry.contact.at;
  const text = entry.kind === 'crm_ticket' ? entry.ticket.title : entry.contact.summary;
  return (
    <>
      <div className="interaction-meta history-crm-meta">
        <span className="interaction-kind" data-kind={entry.kind}>
          {t(`interaction.kind.${entry.kind}`)}
        </span>
        {entry.dated ? (
          <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt, locale)}</time>
        ) : (
          <span className="history-crm-undated ellipsis" data-testid="history-crm-undated" title={t('history.crm.undatedTitle')}>
            {ownTime ?? t('history.crm.undated')}
          </span>
        )}
        {entry.kind === 'crm_ticket' ? (
          <>
            <span className="crm-ticket-id ellipsis" data-testid="history-crm-ticket-id" title={entry.ticket.id}>
              {entry.ticket.id}
            </span>
            {entry.ticket.status && <Badge className="crm-status" status={entry.ticket.status.toLowerCase()} text={entry.ticket.status} />}
          </>
        ) : (
          <>
            {entry.contact.channel && <Badge className="crm-channel" text={entry.contact.channel} />}
            {entry.contact.agent && (
              <span className="crm-agent ellipsis" title={entry.contact.agent}>
                {t('crm.agent', { agent: entry.contact.agent })}
              </span>
            )}
          </>
        )}
        <span className="history-crm-source ellipsis" data-testid="history-crm-source" data-source={name} data-fetched-at={entry.fetchedAt} title={asOf}>
          {asOf}
        </span>
      </div>
      {text && (
        <p className="interaction-summary ellipsis" data-testid="history-crm-text" title={text}>
          {text}
        </p>
      )}
    </>
  );
}

function Badge({ className, status, text }: { className: string; status?: string; text: string }) {
  return (
    <span className={`badge ellipsis ${className}`} data-status={status} title={text}>
      {text}
    </span>
  );
}
