/**
 * Imported first by main.tsx, before any module that defines a schema. The app runs under
 * `script-src 'self'` (no eval). zod compiles fast object parsers with `new Function` after probing,
 * when each object schema is built, whether it may; under the CSP the probe fails quietly but the
 * browser still reports it as a violation. `jitless` skips the probe and the compiled parsers (the
 * app parses few frames; the interpreted path is fast enough).
 * Set without importing zod: the schemas (and zod) load later, in lazy chunks, and /login must not
 * download zod to configure it. zod keeps its configuration on `globalThis.__zod_globalConfig` (shared
 * by every copy of zod on the page) and adopts an object already there; `zod-without-eval.test.ts`
 * checks that `config()` is that object.
 */

declare global {
  var __zod_globalConfig: { jitless?: boolean } | undefined;
}

globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });

export {};
