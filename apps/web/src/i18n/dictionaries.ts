/**
 * The dictionaries, each loaded on demand: the first load carries only the chosen language's (main.tsx
 * loads it before the first render); another is fetched when the user switches to it, unless the
 * signed-in shell already brought them all (all-dictionaries.ts).
 * Invariants: each language is fetched at most once while its fetch succeeds (concurrent asks share
 * it; a failed one is retried on the next ask); `loadedDictionary` is synchronous, so a provider can
 * render at once with a language that is already here.
 */
import type { Dictionary } from './en';
import type { Language } from './translate';

// One dynamic import per language, so each is a chunk of its own.
const LOADERS: Record<Language, () => Promise<Dictionary>> = {
  en: () => import('./en').then((module) => module.en),
  zh: () => import('./zh').then((module) => module.zh),
};

const loaded = new Map<Language, Dictionary>();
const loading = new Map<Language, Promise<Dictionary>>();

/** The dictionary of `language` if it has been loaded, else undefined. */
export function loadedDictionary(language: Language): Dictionary | undefined {
  return loaded.get(language);
}

/** Make a dictionary the code already holds available at once (see all-dictionaries.ts). */
export function provideDictionary(language: Language, dictionary: Dictionary): void {
  loaded.set(language, dictionary);
}

/** Fetch the dictionary of `language` (once). */
export function loadDictionary(language: Language): Promise<Dictionary> {
  const done = loaded.get(language);
  if (done) return Promise.resolve(done);
  let pending = loading.get(language);
  if (!pending) {
    pending = LOADERS[language]().then(
      (dictionary) => {
        loaded.set(language, dictionary);
        loading.delete(language);
        return dictionary;
      },
      (error: unknown) => {
        loading.delete(language);
        throw error;
      },
    );
    loading.set(language, pending);
  }
  return pending;
}
