/**
 * Which language to show: the one saved in localStorage (the switch saves it), else the browser's
 * (navigator.languages), by `detectLanguage`. Read by main.tsx, to load that dictionary before the
 * first render, and by I18nProvider, so both pick the same one.
 */
import { detectLanguage, type Language } from './translate';

const STORAGE_KEY = 'herald.language';

/** The language to start in. */
export function initialLanguage(): Language {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  const browser = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLanguage(saved, browser);
}

/** Remember the user's choice for the next visit. */
export function saveLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
}
