/**
 * Size budget of the browser SDK: `@herald/client` bundled whole — its own code, the protocol
 * code it uses and whatever validates server frames (the shapes generated from the protocol's
 * schemas; zod is not in it) — minified and gzipped, measured as issue 25 asks: with esbuild
 * (`--bundle --minify --format=esm --platform=browser`) and with a Vite app build.
 * The budget is issue 25's 15 KB (15,229 B esbuild, 14,871 B Vite on 2026-12-06 with issue 26's presence frames; 46.3 KB while zod
 * validated frames): see docs/performance.md "Browser SDK size" for how it got there.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, bundleClientAsViteApp, bundleClientWithEsbuild, gzipSize } from './bundle.js';

const BUDGET = 15 * 1024;

describe('bundle size', () => {
  it('the whole client (protocol and frame validation included) is under the budget with esbuild and with Vite, without zod', async () => {
    const esbuilt = await bundleClientWithEsbuild();
    const vite = await bundleClientAsViteApp();
    const sizes = { esbuild: gzipSize(esbuilt), vite: gzipSize(vite) };
    console.info(`@herald/client whole, min+gz: esbuild ${sizes.esbuild} B, Vite ${sizes.vite} B (budget ${BUDGET} B)`);
    // zod's internals carry `_zod` on every schema: none may ship to browsers.
    expect(esbuilt.includes('_zod')).toBe(false);
    expect(vite.includes('_zod')).toBe(false);
    // It still validates: the generated server-frame shapes are in the bundle.
    expect(esbuilt).toContain('heartbeatIntervalMs');
    expect(sizes.esbuild).toBeLessThanOrEqual(BUDGET);
    expect(sizes.vite).toBeLessThanOrEqual(BUDGET);
  }, 60_000);

  it('the client’s own code (protocol left out) stays under 15 KB', async () => {
    const own = gzipSize(await bundleClient({ minify: true, externalProtocol: true }));
    console.info(`@herald/client own code min+gz: ${own} B`);
    expect(own).toBeLessThan(15 * 1024);
  }, 60_000);

  it('the shared connection (`@herald/client/shared`, one socket per browser) is a separate entry under 4 KB (3.7 KB)', async () => {
    const shared = gzipSize(await bundleClient({ minify: true, externalProtocol: true, entry: 'shared/index.ts' }));
    console.info(`@herald/client/shared min+gz: ${shared} B (election, tab channel, hub, channel socket)`);
    expect(shared).toBeLessThan(4 * 1024);
  }, 60_000);
});
