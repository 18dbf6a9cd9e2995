/**
 * I18nProvider: the current language (saved in localStorage, else from navigator.languages) and a
 * `t` function for components; it also sets `<html lang>`.
 * Dictionaries load on demand (`dictionaries.ts`). Switching language keeps the current one on screen
 * until the new dictionary has arrived, then switches in one render, so no key ever shows; the last
 * choice wins when switches overlap. Until the starting language's dictionary is here (main.tsx loads
 * it before the first render; a test may not) the provider renders nothing.
 */
import { createContext, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadDictionary, loadedDictionary } from './dictionaries';
import type { Dictionary } from './en';
import { initialLanguage, saveLanguage } from './language-choice';
import { type Language, type Translate, translate } from './translate';

export interface I18nValue {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** BCP 47 tag for Intl formatting. */
  locale: string;
}

export const I18nContext = createContext<I18nValue | null>(null);

interface Shown {
  language: Language;
  dictionary: Dictionary | undefined;
}

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [shown, setShown] = useState<Shown>(() => {
    const language = fixed ?? initialLanguage();
    return { language, dictionary: loadedDictionary(language) };
  });
  /** The language asked for last: a slower, earlier switch must not override it. */
  const wanted = useRef(shown.language);
  const show = useCallback((language: Language) => {
    wanted.current = language;
    const ready = loadedDictionary(language);
    if (ready) {
      setShown({ language, dictionary: ready });
      return;
    }
    loadDictionary(language).then(
      (dictionary) => {
        if (wanted.current === language) setShown({ language, dictionary });
      },
      // Offline, say: stay in the language on screen (the switch shows it again).
      (error: unknown) => console.warn(`[herald] the ${language} dictionary did not load`, error),
    );
  }, []);
  const setLanguage = useCallback(
    (next: Language) => {
      saveLanguage(next);
      show(next);
    },
    [show],
  );
  useEffect(() => {
    if (!shown.dictionary) show(shown.language);
  }, [shown, show]);
  useEffect(() => {
    document.documentElement.lang = shown.language === 'zh' ? 'zh-CN' : 'en';
  }, [shown.language]);
  const value = useMemo<I18nValue | null>(() => {
    const { language, dictionary } = shown;
    if (!dictionary) return null;
    return {
      language,
      setLanguage,
      t: (key, params) => translate(dictionary, key, params, language),
      locale: language === 'zh' ? 'zh-CN' : 'en',
    };
  }, [shown, setLanguage]);
  if (!value) return null;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
