/**
 * Reading the built app's files for first-load checks: which files `/login` loads statically (index.html's
 * scripts and stylesheet and their static imports, transitively), which files hold a given module (by a
 * string only that module has), and those strings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { restContract } from '@herald/protocol';
import { en } from '../../src/i18n/en';
import { zh } from '../../src/i18n/zh';

/** Strings that show a module is in a file: each is found in exactly the files holding that module. */
export const MARKERS = {
  // zod's error class keeps its name through minification.
  zod: 'ZodError',
  // The contract's list of routes (its summaries exist nowhere else).
  contract: restContract.auth.register.summary,
  // react-dom's root marker, for the vendor chunk.
  reactDom: '__reactContainer',
  en: en['app.skip'],
  zh: zh['app.skip'],
};

/** The lazy pages, by the start of their chunk's file name. */
export const LAZY_PAGES = ['SignedInShell', 'ChatPage', 'AdminPage', 'SettingsPage'];

/** Files (relative to dist, `assets/…`) that index.html loads, plus the static imports of its scripts, transitively. */
export function staticLoad(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(dist, file), 'utf8');
    // Static imports only: `import("./x.js")` (a lazy chunk) has a parenthesis before the quote.
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) queue.push(`assets/${m[1]}`);
  }
  return [...seen];
}

/** The script files of the build (`assets/…`) that contain `marker`. */
export function filesWith(dist: string, marker: string): string[] {
  return readdirSync(join(dist, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `assets/${name}`)
    .filter((file) => readFileSync(join(dist, file), 'utf8').includes(marker));
}
