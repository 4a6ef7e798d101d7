import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStatusStore } from '../../status/store';
import { useNotificationsStore } from '../store';

/**
 * In the browser host the page must ask for the permission itself, and only from a
 * click. `bar`: the status bar's one button, while nobody has decided yet. `panel`: the
 * settings screen's line saying where things stand. The desktop app needs neither.
 */
export function NotificationPermission({ variant = 'panel' }: { variant?: 'bar' | 'panel' }) {
  const { t } = useTranslation();
  const host = useStatusStore((state) => state.host);
  const permission = useNotificationsStore((state) => state.permission);
  const refresh = useNotificationsStore((state) => state.refreshPermission);
  const request = useNotificationsStore((state) => state.requestPermission);

  useEffect(() => refresh(), [refresh]);

  if (host !== 'headless') return null;
  const button = (
    <button type="button" className={variant === 'bar' ? 'link-button' : undefined} data-testid={`notifications-enable-${variant}`} title={t('notifications.enableHint')} onClick={() => void request()}>
      {t('notifications.enable')}
    </button>
  );
  if (variant === 'bar') return permission === 'default' ? button : null;
  return (
    <div className="notification-permission" data-testid="notifications-permission" data-permission={permission}>
      <span className="muted">{t(`notifications.permission.${permission}`)}</span>
      {permission === 'default' && button}
    </div>
  );
}
