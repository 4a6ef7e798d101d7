import { useTranslation } from 'react-i18next';
import type { Interaction } from '../../../../main/common/domain';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../locale/store';

/** One interaction in two dense lines; shared by the card's lists and the timeline's rows. */
export function InteractionLine({ item }: { item: Interaction }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  return (
    <>
      <div className="interaction-meta">
        <span className="interaction-kind" data-kind={item.kind}>
          {t(`interaction.kind.${item.kind}`)}
        </span>
        <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt, locale)}</time>
        {item.outcome && (
          <span className="interaction-outcome ellipsis" title={item.outcome}>
            {item.outcome}
          </span>
        )}
        {item.status && (
          <span className="badge" data-status={item.status}>
            {t(`interaction.status.${item.status}`)}
          </span>
        )}
      </div>
      {item.summary && (
        <p className="interaction-summary ellipsis" title={item.summary}>
          {item.summary}
        </p>
      )}
    </>
  );
}
