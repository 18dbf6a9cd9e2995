import { createRestClient, HeraldError, type RestClient } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { lazyRestClient } from './lazy-rest-client';

/** A fetch answering every call with `{ path, method, auth }` of what it was asked. */
const echoFetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
  new Response(JSON.stringify({ path: String(input), method: init?.method, auth: new Headers(init?.headers).get('authorization') }), {
    status: 200,
  })) as typeof fetch;

describe('lazyRestClient', () => {
  it('loads the client on the first call, once, and answers as the client does', async () => {
    let loads = 0;
    const api = lazyRestClient(async () => {
      loads += 1;
      return createRestClient({ fetch: echoFetch, getToken: () => 't1' });
    });
    expect(loads).toBe(0);
    const [conversation, again] = await Promise.all([
      api.conversations.get({ params: { id: 'c1' } }),
      api.conversations.get({ params: { id: 'c2' } }),
    ]);
    expect(conversation).toEqual({ path: '/api/v1/conversations/c1', method: 'GET', auth: 'Bearer t1' });
    expect(again).toMatchObject({ path: '/api/v1/conversations/c2' });
    await api.users.search({ query: { query: 'ann' } });
    expect(loads).toBe(1);
  });

  it('is not a promise: awaiting it gives the client, not a call', async () => {
    const api = lazyRestClient(async () => createRestClient({ fetch: echoFetch }));
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(api)).toBe(api);
  });

  it('fails a call as "no answer" when the client does not load, and loads again on the next call', async () => {
    let fail = true;
    const api = lazyRestClient(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return createRestClient({ fetch: echoFetch });
    });
    const error = await api.conversations.get({ params: { id: 'c1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: 'disconnected', status: 0 });
    fail = false;
    await expect(api.conversations.get({ params: { id: 'c1' } })).resolves.toMatchObject({ path: '/api/v1/conversations/c1' });
  });

  it('says which route does not exist', async () => {
    const api = lazyRestClient(async () => createRestClient({ fetch: echoFetch }));
    const missing = (api as unknown as Record<string, Record<string, () => Promise<unknown>>>).nope?.nothing;
    await expect(missing?.()).rejects.toThrow('no REST route nope.nothing');
  });

  it('has the type of the client it stands for', () => {
    const api: RestClient = lazyRestClient(async () => createRestClient({ fetch: echoFetch }));
    expect(typeof api.auth.sessions).toBe('function');
  });
});
