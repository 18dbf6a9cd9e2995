/**
 * I18nProvider: the current language (saved in localStorage, else from navigator.languages) and a
 * `t` function for components; it also sets `<html lang>`.
 */
import { createContext, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { DICTIONARIES, detectLanguage, type Language, type Translate, translate } from './translate';

const STORAGE_KEY = 'herald.language';

export interface I18nValue {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** BCP 47 tag for Intl formatting. */
  locale: string;
}

export const I18nContext = createContext<I18nValue | null>(null);

function initialLanguage(): Language {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  const browser = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLanguage(saved, browser);
}

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixed ?? initialLanguage());
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  const value = useMemo<I18nValue>(() => {
    const dictionary = DICTIONARIES[language];
    return {
      language,
      setLanguage,
      t: (key, params) => translate(dictionary, key, params, language),
      locale: language === 'zh' ? 'zh-CN' : 'en',
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
