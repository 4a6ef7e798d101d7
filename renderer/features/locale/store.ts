import { create } from 'zustand';
import type { Locale } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';
import { DEFAULT_LOCALE, i18n } from '../../i18n';

export interface LocaleData {
  locale: Locale;
  /** The agent's choice applies even when saving it failed; this says it did. */
  saveError: Failure | null;
}

export interface LocaleState extends LocaleData {
  /** The locale the core already has (from app.ready): applied, not saved again. */
  adopt(locale: Locale): Promise<void>;
  /** The agent picked a language: apply it now and save it through the core. */
  choose(locale: Locale): Promise<void>;
}

export const initialLocale: LocaleData = { locale: DEFAULT_LOCALE, saveError: null };

export const useLocaleStore = create<LocaleState>()((set, get) => ({
  ...initialLocale,
  adopt: async (locale) => {
    await i18n.changeLanguage(locale);
    set({ locale, saveError: null });
  },
  choose: async (locale) => {
    if (locale === get().locale) return;
    await i18n.changeLanguage(locale);
    set({ locale, saveError: null });
    try {
      await call('app.setLocale', { locale });
    } catch (error) {
      if (get().locale === locale) set({ saveError: toFailure(error) });
    }
  },
}));
