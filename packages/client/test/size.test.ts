/**
 * Size budget: the client's own code, minified and gzipped, stays under 10 KB. The protocol package
 * (zod schemas) is measured separately and reported, since apps share it with their own code.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, gzipSize } from './bundle.js';

describe('bundle size', () => {
  it('the client (protocol external) is under 10 KB minified + gzipped', async () => {
    const own = gzipSize(await bundleClient({ minify: true, externalProtocol: true }));
    const whole = gzipSize(await bundleClient({ minify: true }));
    console.info(`@herald/client min+gz: ${own} B own code; ${whole} B with @herald/protocol and zod`);
    expect(own).toBeLessThan(10 * 1024);
    expect(whole).toBeGreaterThan(own);
  }, 60_000);
});
