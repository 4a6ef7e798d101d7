import { useTranslation } from 'react-i18next';
import { callbackTitle, useCallbacksStore } from '../store';

/** callbacks.reminder pushes as in-app toasts: who, when, Call and Dismiss. */
export function ReminderToasts() {
  const { t } = useTranslation();
  const toasts = useCallbacksStore((s) => s.toasts);
  const dismiss = useCallbacksStore((s) => s.dismissToast);
  const dial = useCallbacksStore((s) => s.call);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-live="polite" data-testid="callback-toasts">
      {toasts.map(({ callback, minutesToDue }) => (
        <div key={callback.id} className="toast" role="status" data-testid="callback-toast" data-id={callback.id}>
          <strong className="ellipsis">{t('callbacks.reminder.title', { who: callbackTitle(callback) })}</strong>
          <span className="muted">
            {minutesToDue >= 0 ? t('callbacks.reminder.dueIn', { minutes: minutesToDue }) : t('callbacks.reminder.overdue', { minutes: -minutesToDue })}
          </span>
          <span className="toast-actions">
            <button type="button" data-testid="callback-toast-call" disabled={callback.callInProgress !== null} onClick={() => void dial(callback.id)}>
              {t('callbacks.call')}
            </button>
            <button type="button" className="link-button" data-testid="callback-toast-dismiss" onClick={() => dismiss(callback.id)}>
              {t('common.dismiss')}
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}
