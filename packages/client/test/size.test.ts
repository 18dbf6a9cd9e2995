/**
 * Size budget: the client's own code, minified and gzipped, stays under 14 KB (13.1 KB when the
 * IndexedDB outbox, the send pacer and the reconnect schedule landed; it was 10 KB before them);
 * with the protocol package and zod (which apps share with their own code) under 45 KB — zod is most of that, so a
 * jump past it means the client started pulling in protocol code it does not use (the REST
 * contract, say) or a second schema library.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, gzipSize } from './bundle.js';

describe('bundle size', () => {
  it('the client is under 14 KB minified + gzipped on its own, 45 KB with the protocol and zod', async () => {
    const own = gzipSize(await bundleClient({ minify: true, externalProtocol: true }));
    const whole = gzipSize(await bundleClient({ minify: true }));
    console.info(`@herald/client min+gz: ${own} B own code; ${whole} B with @herald/protocol and zod`);
    expect(own).toBeLessThan(14 * 1024);
    expect(whole).toBeLessThan(45 * 1024);
  }, 60_000);
});
