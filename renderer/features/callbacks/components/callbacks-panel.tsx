import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CALLBACK_AGENT_OUTCOMES, type Callback, type CallbackAgentOutcome } from '../../../../main/common/channels/callbacks';
import { ErrorNote } from '../../../ui/error-note';
import { useNow } from '../../calls/use-now';
import { CALLBACK_HOTKEYS, useCallbackHotkeys } from '../hotkeys';
import { callbackTitle, useCallbacksStore } from '../store';
import { NewCallbackForm } from './new-callback-form';

/** The due list: open callbacks soonest first, overdue and due-in badges, Call and the outcome form. */
export function CallbacksPanel() {
  const { t } = useTranslation();
  const items = useCallbacksStore((s) => s.items);
  const loaded = useCallbacksStore((s) => s.loaded);
  const loadError = useCallbacksStore((s) => s.loadError);
  const load = useCallbacksStore((s) => s.load);
  const now = useNow(30_000);
  const [adding, setAdding] = useState(false);
  useCallbackHotkeys();
  useEffect(() => void load(), [load]);
  const overdue = items.filter((item) => isOverdue(item, now)).length;

  return (
    <section className="callbacks" data-testid="callbacks-panel" aria-label={t('callbacks.title')}>
      <h2 className="callbacks-title">
        {t('callbacks.title')}
        {items.length > 0 && (
          <span className="badge" data-testid="callbacks-count">
            {items.length}
          </span>
        )}
        {overdue > 0 && (
          <span className="badge callback-overdue" data-testid="callbacks-overdue-count">
            {t('callbacks.overdueCount', { count: overdue })}
          </span>
        )}
        <button type="button" className="link-button" data-testid="callback-new-open" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {t('callbacks.new.open')}
        </button>
      </h2>
      {adding && <NewCallbackForm onDone={() => setAdding(false)} />}
      {loadError && <ErrorNote failure={loadError} context={t('callbacks.loadFailed')} onRetry={() => void load()} testId="callbacks-load-error" />}
      {loaded && items.length === 0 && (
        <p className="muted" data-testid="callbacks-empty">
          {t('callbacks.empty')}
        </p>
      )}
      {items.length > 0 && (
        <ol className="callback-list">
          {items.map((item) => (
            <CallbackRow key={item.id} callback={item} now={now} />
          ))}
        </ol>
      )}
      <p className="muted callbacks-hint">{t('callbacks.hotkeyHint', { key: CALLBACK_HOTKEYS.nextCallback.label })}</p>
    </section>
  );
}

function isOverdue(callback: Callback, now: number): boolean {
  return callback.overdue || Date.parse(callback.deadlineAt) < now;
}

function CallbackRow({ callback, now }: { callback: Callback; now: number }) {
  const { t } = useTranslation();
  const action = useCallbacksStore((s) => s.actions[callback.id]);
  const dial = useCallbacksStore((s) => s.call);
  const [resolving, setResolving] = useState(false);
  const overdue = isOverdue(callback, now);
  const title = callbackTitle(callback);

  return (
    <li className="callback-row" data-testid="callback-row" data-id={callback.id} data-overdue={overdue ? 'true' : 'false'}>
      <div className="callback-main">
        {/* Subject and number come from callers and the CRM: text, never markup. */}
        <span className="callback-subject ellipsis" data-testid="callback-subject" title={title}>
          {title}
        </span>
        {callback.subject.trim() && <span className="callback-number muted">{callback.number}</span>}
        {overdue ? (
          <span className="badge callback-overdue" data-testid="callback-overdue">
            {t('callbacks.overdue')}
          </span>
        ) : (
          <DueBadge dueAt={callback.dueAt} now={now} />
        )}
        {callback.attempts > 0 && <span className="muted">{t('callbacks.attempts', { count: callback.attempts })}</span>}
        {callback.lastSipOutcome && (
          <span className="muted" data-testid="callback-last-outcome" title={callback.lastSipDetail ?? undefined}>
            {t(`callbacks.sipOutcome.${callback.lastSipOutcome}`)}
          </span>
        )}
      </div>
      <div className="callback-actions">
        <button
          type="button"
          data-testid="callback-call"
          disabled={action?.pending != null || callback.callInProgress !== null}
          data-pending={action?.pending === 'call' ? 'true' : undefined}
          onClick={() => void dial(callback.id)}
        >
          {callback.callInProgress ? t('callbacks.calling') : t('callbacks.call')}
        </button>
        <button type="button" className="link-button" data-testid="callback-resolve-open" aria-expanded={resolving} onClick={() => setResolving(!resolving)}>
          {t('callbacks.record')}
        </button>
      </div>
      {resolving && <ResolveForm id={callback.id} onDone={() => setResolving(false)} />}
      {action?.error && <ErrorNote failure={action.error} context={t('callbacks.failed')} testId="callback-error" />}
    </li>
  );
}

function DueBadge({ dueAt, now }: { dueAt: string; now: number }) {
  const { t } = useTranslation();
  const ms = Date.parse(dueAt) - now;
  if (Number.isNaN(ms)) return null;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  let text: string;
  if (ms <= 0) text = t('callbacks.dueNow');
  else if (minutes < 60) text = t('callbacks.dueInMinutes', { count: minutes });
  else if (minutes < 48 * 60) text = t('callbacks.dueInHours', { count: Math.round(minutes / 60) });
  else text = t('callbacks.dueInDays', { count: Math.round(minutes / 1440) });
  return (
    <span className="badge callback-due" data-testid="callback-due" data-soon={ms <= 60 * 60_000 ? 'true' : 'false'} title={dueAt}>
      {text}
    </span>
  );
}

function ResolveForm({ id, onDone }: { id: number; onDone(): void }) {
  const { t } = useTranslation();
  const resolve = useCallbacksStore((s) => s.resolve);
  const pending = useCallbacksStore((s) => s.actions[id]?.pending === 'resolve');
  const [outcome, setOutcome] = useState<CallbackAgentOutcome | ''>('');
  const [note, setNote] = useState('');
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    if (await resolve(id, outcome, note)) onDone();
  };
  return (
    <form className="callback-resolve" data-testid="callback-resolve-form" onSubmit={(e) => void onSubmit(e)}>
      <select data-testid="callback-outcome" aria-label={t('callbacks.outcome')} value={outcome} required onChange={(e) => setOutcome(e.target.value as CallbackAgentOutcome | '')}>
        <option value="">{t('callbacks.chooseOutcome')}</option>
        {CALLBACK_AGENT_OUTCOMES.map((code) => (
          <option key={code} value={code}>
            {t(`callbacks.agentOutcome.${code}`)}
          </option>
        ))}
      </select>
      <input data-testid="callback-note" aria-label={t('callbacks.note')} placeholder={t('callbacks.note')} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" data-testid="callback-resolve-save" disabled={!outcome || pending}>
        {t('callbacks.saveOutcome')}
      </button>
    </form>
  );
}
