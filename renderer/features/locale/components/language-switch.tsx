import { useTranslation } from 'react-i18next';
import { LOCALES } from '../../../../main/common/constants';
import { isLocale } from '../../../i18n';
import { isLocked, useSettingsStore } from '../../settings/store';
import { useLocaleStore } from '../store';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const choose = useLocaleStore((state) => state.choose);
  // IT's policy fixes the language: the switch shows it but cannot change it.
  const locked = useSettingsStore((state) => isLocked(state.view, 'locale'));
  return (
    <select
      className="language-switch"
      data-testid="language-switch"
      aria-label={t('language.label')}
      disabled={locked}
      title={locked ? t('settings.locked') : undefined}
      value={locale}
      onChange={(event) => {
        const next = event.currentTarget.value;
        if (isLocale(next)) void choose(next);
      }}
    >
      {LOCALES.map((option) => (
        // Each language is named in itself, so an agent who cannot read the current one still finds theirs.
        <option key={option} value={option} lang={option}>
          {t(`language.${option}`)}
        </option>
      ))}
    </select>
  );
}
