import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES } from '../../main/common/constants';
import type { Locale } from '../../main/common/domain';
import { en } from './en';
import { zhCN, type Messages } from './zh-cn';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const resources: Record<Locale, { translation: Messages }> = {
  'zh-CN': { translation: zhCN },
  en: { translation: en },
};

// One instance for the window; the locale store is the only thing that changes its language.
export const i18n = i18next.createInstance();

// `lang` steers the browser's choice of CJK glyphs and screen readers' voices;
// registered before init so the initial language is applied too.
i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  document.title = i18n.t('app.title');
});

void i18n.use(initReactI18next).init({
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  resources,
  // Resources are bundled, so init can finish before the first render.
  initAsync: false,
  // React escapes every string it renders; escaping here as well would show &lt; to the agent.
  interpolation: { escapeValue: false },
  returnNull: false,
  // An agent's devtools console is for our diagnostics, not a vendor's notice.
  showSupportNotice: false,
});

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}
