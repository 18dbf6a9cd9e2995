/**
 * Size budget of the web app's first load: what `/login` makes the browser fetch before it can paint
 * (index.html's entry script and stylesheet, everything the entry imports statically, and the
 * dictionary of the language it starts in, which main.tsx loads before the first render), gzipped.
 * Issue 25's target, 120 KB, is the budget; each language is measured and the larger counts.
 * What keeps it there, asserted here so a regression names its cause: the signed-in shell, chat,
 * admin and settings are lazy chunks; zod and the REST contract's schemas are not in the first load
 * (the login path uses `auth/auth-api.ts`, the REST client loads on its first call); one dictionary,
 * not all, is; the libraries sit in a vendor chunk of their own, apart from the app's code. Every
 * first-load file of 1 KB or more also has the brotli and gzip copies the server sends.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filesWith, LAZY_PAGES, MARKERS, staticLoad } from './helpers/first-load';
import { ensureWebBuild } from './helpers/web-build';

const BUDGET = 120 * 1024;

describe('the web app first load', () => {
  it('is under 120 KB gzipped (JS + CSS of /login, in either language), without the lazy pages, zod or the other dictionary', async () => {
    const dist = await ensureWebBuild();
    const files = staticLoad(dist);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);
    for (const lazy of LAZY_PAGES) {
      expect(files.filter((f) => f.includes(`/${lazy}-`))).toEqual([]);
    }

    // zod and the contract are in the build (so the markers work), only in lazy chunks.
    for (const marker of [MARKERS.zod, MARKERS.contract]) {
      const holders = filesWith(dist, marker);
      expect(holders.length, marker).toBeGreaterThan(0);
      expect(
        holders.filter((f) => files.includes(f)),
        marker,
      ).toEqual([]);
    }

    // The libraries are a vendor chunk of the first load, not part of the entry's own code.
    const entry = /<script type="module"[^>]* src="\/(assets\/[^"]+\.js)"/.exec(readFileSync(join(dist, 'index.html'), 'utf8'))?.[1];
    const vendor = files.filter((f) => /^assets\/vendor-[\w-]+\.js$/.test(f));
    expect(vendor).toHaveLength(1);
    expect(filesWith(dist, MARKERS.reactDom)).toEqual(vendor);
    expect(entry).toBeDefined();
    expect(vendor).not.toContain(entry);

    // Each dictionary is one chunk of its own, outside the static load; /login loads the one of its language.
    const dictionaries = { en: filesWith(dist, MARKERS.en), zh: filesWith(dist, MARKERS.zh) };
    for (const [language, holders] of Object.entries(dictionaries)) {
      expect(holders, language).toHaveLength(1);
      expect(
        files.filter((f) => holders.includes(f)),
        language,
      ).toEqual([]);
    }

    const sizes = (list: readonly string[]) => {
      let gz = 0;
      let br = 0;
      for (const file of list) {
        const raw = readFileSync(join(dist, file));
        gz += gzipSync(raw, { level: 9 }).byteLength;
        br += brotliCompressSync(raw).byteLength;
        // build/precompress.ts skips files under 1 KB (a copy would save less than its headers cost).
        if (raw.byteLength < 1024) continue;
        expect(existsSync(join(dist, `${file}.br`)), `${file}.br`).toBe(true);
        expect(existsSync(join(dist, `${file}.gz`)), `${file}.gz`).toBe(true);
      }
      return { gz, br };
    };
    const perLanguage = Object.entries(dictionaries).map(([language, dictionary]) => ({
      language,
      ...sizes([...files, ...dictionary]),
    }));
    const figures = perLanguage.map(({ language, gz, br }) => `${language}: ${gz} B gzip, ${br} B brotli`).join('; ');
    console.info(`web first load (/login): ${files.length} files + 1 dictionary — ${figures} — ${files.join(', ')}`);
    for (const { language, gz } of perLanguage) expect(gz, `first load in ${language}`).toBeLessThan(BUDGET);
  }, 180_000);
});
