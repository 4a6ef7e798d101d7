import { useTranslation } from 'react-i18next';
import { AgentControls } from '../../agent/components/agent-controls';
import { NotificationPermission } from '../../notifications/components/notification-permission';
import { LanguageSwitch } from '../../locale/components/language-switch';
import { useLocaleStore } from '../../locale/store';
import { SyncBadge } from '../../sync/components/sync-badge';
import { SettingsButton } from '../../settings/components/settings-button';
import { useStatusStore } from '../store';

export function StatusBar() {
  const { t } = useTranslation();
  const connection = useStatusStore((state) => state.connection);
  const connectionDetail = useStatusStore((state) => state.connectionDetail);
  const connectionReason = useStatusStore((state) => state.connectionReason);
  const agentState = useStatusStore((state) => state.agentState);
  const link = useStatusStore((state) => state.link);
  const version = useStatusStore((state) => state.version);
  const startError = useStatusStore((state) => state.startError);
  const localeSaveError = useLocaleStore((state) => state.saveError);
  // Online needs no reason from the core; saying "registered" tells the agent the line is theirs.
  const reason = connection === 'online' ? 'registered' : connectionReason;

  return (
    <header className="status-bar" data-testid="status-bar" data-link={link ?? 'pending'} aria-label={t('status.bar')}>
      <span className="status-bar-title">{t('app.title')}</span>
      <div className="status-bar-states" role="status">
        <span className="status-pill" data-testid="status-connection" data-state={connection}>
          <span className="status-pill-label">{t('status.connection.label')}</span>
          <span className="status-dot" aria-hidden="true" />
          {t(`status.connection.${connection}`)}
        </span>
        {reason && (
          <span className="status-reason ellipsis" data-testid="status-connection-reason" data-reason={reason} title={t(`status.reason.${reason}`)}>
            {t(`status.reason.${reason}`)}
          </span>
        )}
        {/* The registrar's own words (e.g. "403 Forbidden"): text from the network, shown as text. */}
        {connectionDetail && connection !== 'online' && (
          <span className="status-detail ellipsis" data-testid="status-connection-detail" title={connectionDetail}>
            {connectionDetail}
          </span>
        )}
        <span className="status-pill" data-testid="status-agent-state" data-state={agentState}>
          <span className="status-pill-label">{t('status.agent.label')}</span>
          {t(`status.agent.${agentState}`)}
        </span>
        <AgentControls />
        <SyncBadge />
        {/* Only a WebSocket link can drop; while it is up it is not worth the space. */}
        {link !== 'up' && (
          <span className="status-pill" data-testid="status-link" data-state={link ?? 'pending'}>
            <span className="status-pill-label">{t('status.link.label')}</span>
            <span className="status-dot" aria-hidden="true" />
            {t(`status.link.${link ?? 'pending'}`)}
          </span>
        )}
        {startError && (
          <span className="status-detail status-error ellipsis" title={startError.message}>
            {t(`errors.${startError.code}`)}
          </span>
        )}
        {localeSaveError && (
          <span className="status-detail status-error ellipsis" role="alert">
            {t('status.localeNotSaved', { reason: t(`errors.${localeSaveError.code}`) })}
          </span>
        )}
      </div>
      <span className="status-bar-spacer" />
      {version && <span className="status-version">{t('status.version', { version })}</span>}
      <NotificationPermission variant="bar" />
      <SettingsButton />
      <LanguageSwitch />
    </header>
  );
}
