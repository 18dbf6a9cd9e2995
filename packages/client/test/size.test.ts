/**
 * Size budget: the client's own code, minified and gzipped, stays under 10 KB; with the protocol
 * package and zod (which apps share with their own code) under 42 KB — zod is most of that, so a
 * jump past it means the client started pulling in protocol code it does not use (the REST
 * contract, say) or a second schema library.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, gzipSize } from './bundle.js';

describe('bundle size', () => {
  it('the client is under 10 KB minified + gzipped on its own, 42 KB with the protocol and zod', async () => {
    const own = gzipSize(await bundleClient({ minify: true, externalProtocol: true }));
    const whole = gzipSize(await bundleClient({ minify: true }));
    console.info(`@herald/client min+gz: ${own} B own code; ${whole} B with @herald/protocol and zod`);
    expect(own).toBeLessThan(10 * 1024);
    expect(whole).toBeLessThan(42 * 1024);
  }, 60_000);
});
