import { describe, expect, it } from 'vitest';
import { FileLinks } from './file-links.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

function paramsOf(url: string): { uid: string; exp: string; sig: string } {
  const query = new URL(url, 'http://x').searchParams;
  return { uid: query.get('uid') ?? '', exp: query.get('exp') ?? '', sig: query.get('sig') ?? '' };
}

describe('FileLinks', () => {
  let now = 1_000_000;
  const links = new FileLinks(SECRET, 300, () => now);

  it('signs a link for one file and user that verifies until it expires', () => {
    now = 1_000_000;
    const { url, expiresAt } = links.sign('f-1', 'u-1');
    expect(url.startsWith('/api/v1/files/f-1?')).toBe(true);
    expect(expiresAt).toBe(1_000_000 + 300_000);
    expect(links.verify('f-1', paramsOf(url))).toBe('u-1');
    now = expiresAt;
    expect(() => links.verify('f-1', paramsOf(url))).toThrow(expect.objectContaining({ code: 'token_expired' }));
  });

  it('rejects a link used for another file, another user, a later expiry or under another secret', () => {
    now = 1_000_000;
    const params = paramsOf(links.sign('f-1', 'u-1').url);
    const forged = [
      () => links.verify('f-2', params),
      () => links.verify('f-1', { ...params, uid: 'u-2' }),
      () => links.verify('f-1', { ...params, exp: String(Number(params.exp) + 1) }),
      () => links.verify('f-1', { ...params, sig: `${params.sig.slice(0, -1)}A` }),
      () => new FileLinks(`${SECRET}!`, 300, () => now).verify('f-1', params),
    ];
    for (const attempt of forged) expect(attempt).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });
});
