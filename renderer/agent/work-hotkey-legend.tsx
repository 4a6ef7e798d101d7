import { useTranslation } from 'react-i18next';
import { AGENT_HOTKEYS } from '../features/agent/hotkeys';
import { CALLBACK_HOTKEYS } from '../features/callbacks/hotkeys';

/** The agent's-day hotkeys, beside the call hotkeys' legend (F2 answer, F8 hold, F9 hang up): F4 ready / not ready, Shift+F7 next callback. */
export const WORK_HOTKEYS: Array<{ action: 'readyToggle' | 'nextCallback'; key: string }> = [
  { action: 'readyToggle', key: AGENT_HOTKEYS.readyToggle },
  { action: 'nextCallback', key: CALLBACK_HOTKEYS.nextCallback.label },
];

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
