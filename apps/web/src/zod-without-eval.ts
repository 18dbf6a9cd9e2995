/**
 * Imported first by main.tsx, before any module that defines a schema. The app runs under
 * `script-src 'self'` (no eval). zod compiles fast object parsers with `new Function` after probing,
 * when each object schema is built, whether it may; under the CSP the probe fails quietly but the
 * browser still reports it as a violation. `jitless` skips the probe and the compiled parsers (the
 * app parses few frames; the interpreted path is fast enough).
 */
import { config } from 'zod';

config({ jitless: true });
