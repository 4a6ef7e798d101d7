import { useTranslation } from 'react-i18next';
import { useFocusReturn } from '../../../ui/drawer';
import { useSettingsStore } from '../store';

/** The status bar's way into the settings screen; focus comes back here when it closes. */
export function SettingsButton() {
  const { t } = useTranslation();
  const openPanel = useSettingsStore((state) => state.openPanel);
  const panelOpen = useSettingsStore((state) => state.panelOpen);
  const button = useFocusReturn<HTMLButtonElement>(panelOpen);

  return (
    <button
      ref={button}
      type="button"
      className="link-button settings-open"
      data-testid="settings-open"
      aria-haspopup="dialog"
      aria-expanded={panelOpen}
      onClick={openPanel}
    >
      {t('settings.open')}
    </button>
  );
}
