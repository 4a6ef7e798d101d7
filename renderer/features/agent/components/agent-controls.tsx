import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../main/common/domain';
import { formatDuration } from '../../../i18n/format';
import { useNow } from '../../calls/use-now';
import { useStatusStore } from '../../status/store';
import { AGENT_HOTKEYS, useAgentHotkeys } from '../hotkeys';
import { codeLabel, useAgentStore } from '../store';

/** The agent's state buttons: Ready, Not ready (with the reason menu), Log out; the reason and a running timer. */
export function AgentControls() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const state = useStatusStore((s) => s.agentState);
  const statusReason = useStatusStore((s) => s.agentStateReason);
  const statusSince = useStatusStore((s) => s.agentStateSince);
  const snapshot = useAgentStore((s) => s.snapshot);
  const options = useAgentStore((s) => s.options);
  const pending = useAgentStore((s) => s.pending);
  const error = useAgentStore((s) => s.error);
  const menuOpen = useAgentStore((s) => s.reasonMenuOpen);
  const setState = useAgentStore((s) => s.setState);
  const openMenu = useAgentStore((s) => s.openReasonMenu);
  const closeMenu = useAgentStore((s) => s.closeReasonMenu);
  const dismissError = useAgentStore((s) => s.dismissError);
  const load = useAgentStore((s) => s.load);
  useAgentHotkeys();
  useEffect(() => void load(), [load]);

  const reason = statusReason ?? (snapshot?.state === state ? snapshot.reason : null);
  const since = statusSince ?? (snapshot?.state === state ? snapshot.since : null);
  const afterCall = snapshot?.afterCall ?? null;
  const reasons = options?.notReadyReasons ?? [];
  const busy = pending !== null;

  return (
    <div className="agent-controls" data-testid="agent-controls" data-state={state}>
      {reason && (
        <span className="agent-reason ellipsis" data-testid="agent-reason" data-reason={reason}>
          {codeLabel(reasons, reason, locale)}
        </span>
      )}
      {since && <StateTimer since={since} />}
      {afterCall && (
        <span className="agent-after-call muted" data-testid="agent-after-call" data-state={afterCall.state}>
          {t('agent.afterCall', {
            state: afterCall.reason ? `${t(`status.agent.${afterCall.state}`)} · ${codeLabel(reasons, afterCall.reason, locale)}` : t(`status.agent.${afterCall.state}`),
          })}
        </span>
      )}
      <button
        type="button"
        className="agent-button"
        data-testid="agent-ready"
        data-pending={pending === 'ready' ? 'true' : undefined}
        aria-pressed={state === 'ready'}
        disabled={busy || state === 'ready'}
        title={t('agent.hotkeyHint', { key: AGENT_HOTKEYS.readyToggle })}
        onClick={() => void setState('ready')}
      >
        {t('agent.ready')}
      </button>
      <span className="agent-menu-anchor">
        <button
          type="button"
          className="agent-button"
          data-testid="agent-not-ready"
          data-pending={pending === 'not_ready' ? 'true' : undefined}
          aria-pressed={state === 'not_ready'}
          aria-haspopup="menu"
          aria-expanded={menuOpen}
          disabled={busy || reasons.length === 0}
          title={reasons.length === 0 ? t('agent.noReasons') : t('agent.hotkeyHint', { key: AGENT_HOTKEYS.readyToggle })}
          onClick={() => (menuOpen ? closeMenu() : openMenu())}
        >
          {t('agent.notReady')}
        </button>
        {menuOpen && reasons.length > 0 && (
          <ReasonMenu
            reasons={reasons.map((r) => ({ code: r.code, label: codeLabel(reasons, r.code, locale), approved: r.approved }))}
            onPick={(code) => void setState('not_ready', code)}
            onClose={closeMenu}
          />
        )}
      </span>
      <button
        type="button"
        className="agent-button"
        data-testid="agent-logout"
        data-pending={pending === 'logged_out' ? 'true' : undefined}
        disabled={busy || state === 'logged_out'}
        onClick={() => void setState('logged_out')}
      >
        {t('agent.logOut')}
      </button>
      {error && (
        <span className="status-detail status-error ellipsis" role="alert" data-testid="agent-error" data-code={error.code} title={error.message}>
          {t('agent.refused', { reason: t(`errors.${error.code}`) })}
          <button type="button" className="link-button" onClick={dismissError}>
            {t('common.dismiss')}
          </button>
        </span>
      )}
    </div>
  );
}

function StateTimer({ since }: { since: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const started = Date.parse(since);
  if (Number.isNaN(started)) return null;
  return (
    <span className="agent-timer" data-testid="agent-timer" title={t('agent.timer')}>
      {formatDuration(now - started)}
    </span>
  );
}

interface ReasonMenuProps {
  reasons: Array<{ code: string; label: string; approved: boolean }>;
  onPick(code: string): void;
  onClose(): void;
}

/** The not-ready reasons; the first is focused so the keyboard can pick one (arrows, Enter, Escape). */
function ReasonMenu({ reasons, onPick, onClose }: ReasonMenuProps) {
  const { t } = useTranslation();
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    list.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    }
  };
  return (
    <ul className="agent-reason-menu" role="menu" aria-label={t('agent.reasonMenu')} data-testid="agent-reason-menu" ref={list} onKeyDown={onKeyDown}>
      {reasons.map((reason) => (
        <li key={reason.code} role="none">
          <button type="button" role="menuitem" data-testid="agent-reason-option" data-code={reason.code} onClick={() => onPick(reason.code)}>
            {reason.label}
            {!reason.approved && <span className="muted"> {t('agent.needsApproval')}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
