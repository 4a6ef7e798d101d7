import { useTranslation } from 'react-i18next';
import type { CallSummary } from '../../../../main/common/domain';
import { formatDuration } from '../../../i18n/format';
import { ErrorNote } from '../../../ui/error-note';
import { CALL_HOTKEYS, useCallHotkeys, type CallHotkey } from '../hotkeys';
import { useCallsStore } from '../store';
import { callerName, CallRow } from './call-row';

/** The calls in progress, each with what may be done to it now; and the hotkeys that do it. */
export function CallBar() {
  const { t } = useTranslation();
  const calls = useCallsStore((state) => state.calls);
  const loadError = useCallsStore((state) => state.loadError);
  const lastEnded = useCallsStore((state) => state.lastEnded);
  const load = useCallsStore((state) => state.load);
  useCallHotkeys();

  return (
    <section className="call-bar" data-testid="call-bar" data-busy={calls.length > 0 ? 'true' : 'false'} aria-label={t('calls.bar')}>
      {calls.length > 0 ? (
        <ul className="call-rows" aria-live="polite">
          {calls.map((call) => (
            <CallRow key={call.id} call={call} />
          ))}
        </ul>
      ) : (
        <p className="call-bar-idle muted" data-testid="call-bar-idle">
          {t('calls.idle')}
        </p>
      )}
      {/* Also while another call goes on: a consult call that was not answered ends here. */}
      {lastEnded && <EndedNotice call={lastEnded} />}
      {loadError && <ErrorNote failure={loadError} context={t('calls.loadFailed')} onRetry={() => void load()} testId="calls-load-error" />}
      <HotkeyLegend />
    </section>
  );
}

function EndedNotice({ call }: { call: CallSummary }) {
  const { t } = useTranslation();
  const dismiss = useCallsStore((state) => state.dismissEnded);
  const talked = call.answerAt && call.endAt ? Date.parse(call.endAt) - Date.parse(call.answerAt) : null;
  return (
    <p className="call-ended" data-testid="call-ended-notice" data-outcome={call.outcome ?? undefined} data-cause={call.endCause ?? undefined} role="status">
      <span className="call-ended-title">{t('calls.ended.title')}</span>
      <span className="call-ended-name ellipsis" title={callerName(call, t('calls.withheld'), t('calls.noNumber'))}>
        {callerName(call, t('calls.withheld'), t('calls.noNumber'))}
      </span>
      {call.outcome && <span className="badge">{t(`calls.ended.outcome.${call.outcome}`)}</span>}
      {call.endCause && <span>{t(`calls.ended.cause.${call.endCause}`)}</span>}
      {call.endDetail && (
        <span className="muted ellipsis" data-testid="call-ended-detail" title={call.endDetail}>
          {call.endDetail}
        </span>
      )}
      {talked !== null && !Number.isNaN(talked) && <span className="muted">{t('calls.ended.duration', { duration: formatDuration(talked) })}</span>}
      <button type="button" className="link-button" data-testid="call-ended-dismiss" onClick={dismiss}>
        {t('common.dismiss')}
      </button>
    </p>
  );
}

function HotkeyLegend() {
  const { t } = useTranslation();
  const keys = Object.entries(CALL_HOTKEYS) as Array<[CallHotkey, string]>;
  return (
    <dl className="hotkey-legend" data-testid="hotkey-legend" aria-label={t('calls.hotkeys.title')}>
      {keys.map(([action, key]) => (
        <div key={action} className="hotkey-legend-item">
          <dt>
            <kbd className="hotkey">{key}</kbd>
          </dt>
          <dd>{t(`calls.hotkeys.${action}`)}</dd>
        </div>
      ))}
    </dl>
  );
}
