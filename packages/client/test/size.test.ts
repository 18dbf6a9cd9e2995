/**
 * Size budget: the client's own code, minified and gzipped, stays under 15 KB (13.1 KB when the
 * IndexedDB outbox, the send pacer and the reconnect schedule landed; 14.3 KB with delivery
 * confirmations and the connection-sharing hook; it was 10 KB before them);
 * with the protocol package and zod (which apps share with their own code) under 47 KB (46.4 KB once the
 * push, profile and delivery frames joined the frame union) — zod is most of that, so a
 * jump past it means the client started pulling in protocol code it does not use (the REST
 * contract, say) or a second schema library.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, gzipSize } from './bundle.js';

describe('bundle size', () => {
  it('the client is under 15 KB minified + gzipped on its own, 47 KB with the protocol and zod', async () => {
    const own = gzipSize(await bundleClient({ minify: true, externalProtocol: true }));
    const whole = gzipSize(await bundleClient({ minify: true }));
    console.info(`@herald/client min+gz: ${own} B own code; ${whole} B with @herald/protocol and zod`);
    expect(own).toBeLessThan(15 * 1024);
    expect(whole).toBeLessThan(47 * 1024);
  }, 60_000);

  it('the shared connection (`@herald/client/shared`, one socket per browser) is a separate entry under 4 KB (3.6 KB)', async () => {
    const shared = gzipSize(await bundleClient({ minify: true, externalProtocol: true, entry: 'shared/index.ts' }));
    console.info(`@herald/client/shared min+gz: ${shared} B (election, tab channel, hub, channel socket)`);
    expect(shared).toBeLessThan(4 * 1024);
  }, 60_000);
});
