import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_ANSWER_WITHIN_SECONDS } from '../../../../main/common/constants';
import type { CallSummary, SettingsView } from '../../../../main/common/domain';
import { formatDuration } from '../../../i18n/format';
import { ErrorNote } from '../../../ui/error-note';
import { useSettingsStore } from '../../settings/store';
import { consultOf, isAllowed, type CallAction } from '../call-rules';
import { CALL_HOTKEYS } from '../hotkeys';
import { useCallsStore } from '../store';
import { useNow } from '../use-now';
import { TransferForm } from './transfer-form';

/** Actions that change the call; while one runs, the others wait (the core queues them anyway). */
const BLOCKING: readonly CallAction[] = ['answer', 'reject', 'hold', 'resume', 'transfer', 'consult', 'completeTransfer', 'hangup'];

/** Who the caller is, as the bar names them: the card's name, else what their phone sent, else the number. */
export function callerName(call: CallSummary, withheld: string, noNumber: string): string {
  return call.card?.contact.name || call.remote.displayName || callerNumber(call, withheld, noNumber);
}

export function callerNumber(call: CallSummary, withheld: string, noNumber: string): string {
  if (call.remote.withheld) return withheld;
  return call.remote.number ?? noNumber;
}

export function CallRow({ call }: { call: CallSummary }) {
  const { t } = useTranslation();
  const calls = useCallsStore((state) => state.calls);
  const actionState = useCallsStore((state) => state.actions[call.id]);
  const store = useCallsStore.getState;
  const [transferOpen, setTransferOpen] = useState(false);

  const pending = actionState?.pending ?? {};
  const busy = BLOCKING.some((action) => pending[action]);
  const can = (action: CallAction) => isAllowed(action, call, calls) && !busy;
  const consult = consultOf(call, calls);
  const isConsult = call.consultFor !== null;

  const name = callerName(call, t('calls.withheld'), t('calls.noNumber'));
  const number = callerNumber(call, t('calls.withheld'), t('calls.noNumber'));
  // The caller's own display name, when the card names them differently (a colleague's phone, a company switchboard).
  const shownName = call.card && call.remote.displayName && call.remote.displayName !== name ? call.remote.displayName : '';
  const since = call.state === 'active' || call.state === 'held' ? (call.answerAt ?? call.ringAt) : call.ringAt;

  const button = (action: CallAction, label: string, onClick: () => void, hotkey?: string, extraClass = ''): ReactNode => (
    <button
      type="button"
      className={`call-button call-button-${action} ${extraClass}`.trim()}
      data-testid={`call-${kebab(action)}`}
      data-pending={pending[action] ? 'true' : undefined}
      aria-busy={pending[action] ? true : undefined}
      aria-keyshortcuts={hotkey}
      disabled={!can(action)}
      onClick={onClick}
    >
      {pending[action] ? t('calls.working') : label}
      {hotkey && <kbd className="hotkey">{hotkey}</kbd>}
    </button>
  );

  const held = call.state === 'held';
  const error = actionState?.error;

  return (
    <li
      className="call-row"
      data-testid="call-row"
      data-call-id={call.id}
      data-state={call.state}
      data-direction={call.direction}
      data-consult={isConsult ? 'true' : undefined}
    >
      <div className="call-who">
        <span className="call-direction" data-direction={call.direction}>
          {isConsult ? t('calls.consult') : t(`calls.direction.${call.direction}`)}
        </span>
        <span className="call-caller-name ellipsis" data-testid="call-caller-name" title={name}>
          {name}
        </span>
        {number !== name && (
          <span className="call-caller-number ellipsis" data-testid="call-caller-number" data-withheld={call.remote.withheld ? 'true' : undefined} title={number}>
            {number}
          </span>
        )}
        {shownName && (
          <span className="call-shown-name ellipsis muted" data-testid="call-shown-name" title={shownName}>
            {t('calls.callerShows', { name: shownName })}
          </span>
        )}
        {call.dialled && (
          <span className="call-dialled ellipsis muted" data-testid="call-dialled" title={call.dialled}>
            {call.direction === 'inbound' ? t('calls.dialledLine', { line: call.dialled }) : t('calls.dialledNumber', { number: call.dialled })}
          </span>
        )}
      </div>
      <div className="call-progress">
        <span className="call-state" data-testid="call-state" data-state={call.state}>
          {t(`calls.state.${call.state}`)}
        </span>
        <CallTimer since={since} />
        {call.state === 'ringing' && call.direction === 'inbound' && !isConsult && <AnswerDeadline ringAt={call.ringAt} />}
      </div>
      <div className="call-actions" role="group" aria-label={t('calls.bar')}>
        {isConsult ? (
          button('hangup', t('calls.actions.hangup'), () => void store().hangup(call.id), CALL_HOTKEYS.hangup, 'danger')
        ) : (
          <>
            {button('answer', t('calls.actions.answer'), () => void store().answer(call.id), CALL_HOTKEYS.answer, 'positive')}
            {button('reject', t('calls.actions.reject'), () => void store().reject(call.id))}
            {held
              ? button('resume', t('calls.actions.resume'), () => void store().resume(call.id), CALL_HOTKEYS.hold)
              : button('hold', t('calls.actions.hold'), () => void store().hold(call.id), CALL_HOTKEYS.hold)}
            {button('transfer', t('calls.actions.transfer'), () => setTransferOpen((open) => !open))}
            {consult && button('completeTransfer', t('calls.actions.completeTransfer'), () => void store().completeTransfer(call.id), undefined, 'positive')}
            {button('hangup', t('calls.actions.hangup'), () => void store().hangup(call.id), CALL_HOTKEYS.hangup, 'danger')}
          </>
        )}
      </div>
      {transferOpen && isAllowed('transfer', call, calls) && (
        <TransferForm call={call} pending={Boolean(pending.transfer || pending.consult)} onClose={() => setTransferOpen(false)} />
      )}
      {error && (
        <ErrorNote
          failure={error.failure}
          context={t(`calls.failed.${error.action}`)}
          testId="call-error"
        />
      )}
    </li>
  );
}

function CallTimer({ since }: { since: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const start = Date.parse(since);
  const duration = formatDuration(Number.isNaN(start) ? 0 : now - start);
  return (
    // A timer is not announced every second, even inside the bar's live region.
    <span className="call-timer" data-testid="call-timer" role="timer" aria-live="off" aria-label={t('calls.elapsed', { duration })}>
      {duration}
    </span>
  );
}

/**
 * The center's answer rule on a ringing call: the seconds left to answer in, then how long
 * it has rung past the rule. Read from the settings (IT may set another rule); the seed's
 * 3 s until they have loaded.
 */
function AnswerDeadline({ ringAt }: { ringAt: string }) {
  const { t } = useTranslation();
  const now = useNow(250);
  const limit = useSettingsStore((state) => answerWithinSeconds(state.view));
  const start = Date.parse(ringAt);
  const rungMs = Number.isNaN(start) ? 0 : Math.max(0, now - start);
  const overdue = rungMs >= limit * 1000;
  return (
    <span className="answer-deadline" data-testid="answer-deadline" data-overdue={overdue} aria-live="off">
      {overdue ? t('calls.answerOverdue', { seconds: Math.floor(rungMs / 1000), limit }) : t('calls.answerWithin', { seconds: Math.ceil((limit * 1000 - rungMs) / 1000) })}
    </span>
  );
}

function answerWithinSeconds(view: SettingsView | null): number {
  const value = view?.values.answerWithinSeconds?.value;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : DEFAULT_ANSWER_WITHIN_SECONDS;
}

function kebab(action: CallAction): string {
  return action.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
