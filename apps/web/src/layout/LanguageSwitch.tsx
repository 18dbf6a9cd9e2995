/**
 * LanguageSwitch: a small select between English and Chinese (saved). The dictionaries load on demand;
 * the others start loading when the user reaches for the switch, so the switch itself rarely waits.
 */
import { useId } from 'react';
import { loadDictionary } from '../i18n/dictionaries';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/translate';
import { useI18n } from '../i18n/useI18n';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const id = useId();
  return (
    <div className="flex items-center">
      <label htmlFor={id} className="sr-only">
        {t('nav.language')}
      </label>
      <select
        id={id}
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
        onFocus={preloadLanguages}
        onPointerEnter={preloadLanguages}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100"
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang}>
            {LANGUAGE_NAMES[lang]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Fetch every dictionary now (a failure is retried when one is chosen). */
function preloadLanguages(): void {
  for (const language of LANGUAGES) loadDictionary(language).catch(() => undefined);
}
