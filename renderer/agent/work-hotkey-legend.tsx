import { useTranslation } from 'react-i18next';
import { AGENT_HOTKEYS } from '../features/agent/hotkeys';

/** The agent's-day hotkeys, beside the call hotkeys' legend (F2 answer, F8 hold, F9 hang up). */
export const WORK_HOTKEYS: Array<{ action: 'readyToggle'; key: string }> = [{ action: 'readyToggle', key: AGENT_HOTKEYS.readyToggle }];

export function WorkHotkeyLegend() {
  const { t } = useTranslation();
  return (
    <dl className="hotkey-legend work-hotkey-legend" data-testid="work-hotkey-legend" aria-label={t('workHotkeys.title')}>
      {WORK_HOTKEYS.map(({ action, key }) => (
        <div key={action} className="hotkey-legend-item" data-testid={`hotkey-${action}`}>
          <dt>
            <kbd className="hotkey">{key}</kbd>
          </dt>
          <dd>{t(`workHotkeys.${action}`)}</dd>
        </div>
      ))}
    </dl>
  );
}
