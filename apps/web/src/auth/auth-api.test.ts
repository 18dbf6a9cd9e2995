import { createRestClient, HeraldError, restContract } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { type AuthApi, createAuthApi } from './auth-api';

const user = { id: 'u1', email: 'a@b.co', name: 'Ann', role: 'user', avatar: null, createdAt: 0 };
const tokens = { user, accessToken: 'a1', accessTokenExpiresAt: 2_000_000, refreshTokenExpiresAt: 3_000_000, sessionId: 's1' };

interface Sent {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records what it was asked and answers with `answer()` (a Response, or a thrown error). */
function recordingFetch(answer: () => Response) {
  const sent: Sent[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body === undefined ? undefined : String(init.body),
    });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

type Outcome =
  | { value: unknown }
  | { error: { isHeraldError: boolean; code: unknown; message: string; status: unknown; details: unknown } };

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await call() };
  } catch (error) {
    const e = error as HeraldError;
    return { error: { isHeraldError: e instanceof HeraldError, code: e.code, message: e.message, status: e.status, details: e.details } };
  }
}

const json = (status: number, value: unknown) => () => new Response(JSON.stringify(value), { status });
const text = (status: number, body: string | null) => () => new Response(body, { status });

/** Each call of the session, as it makes it. */
const CALLS: Record<string, (api: AuthApi) => Promise<unknown>> = {
  login: (api) => api.login({ body: { email: 'a@b.co', password: 'pw' }, headers: { 'x-herald-refresh': 'cookie' } }),
  register: (api) =>
    api.register({ body: { email: 'a@b.co', password: 'password1', name: 'Ann' }, headers: { 'x-herald-refresh': 'cookie' } }),
  refresh: (api) => api.refresh({ body: {}, headers: { 'x-herald-refresh': 'cookie' } }),
  logout: (api) => api.logout({ body: {}, headers: { 'x-herald-refresh': 'cookie' } }),
};

describe('createAuthApi', () => {
  it("has the contract's method and path for each route", () => {
    for (const name of ['register', 'login', 'refresh', 'logout'] as const) {
      const { fetch, sent } = recordingFetch(json(200, tokens));
      void CALLS[name]?.(createAuthApi({ fetch, baseUrl: 'http://h' }));
      expect(sent[0]?.url, name).toBe(`http://h${restContract.auth[name].path}`);
      expect(sent[0]?.method, name).toBe(restContract.auth[name].method);
    }
  });

  it("sends and answers exactly as the REST client's auth calls do", async () => {
    const answers: Record<string, () => Response> = {
      'tokens (200)': json(200, tokens),
      'tokens (201)': json(201, tokens),
      'no content (204)': text(204, null),
      'refused with a code': json(401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } }),
      'disabled, with details': json(403, { error: { code: 'account_disabled', message: 'disabled', details: { by: 'admin' } } }),
      'email taken': json(409, { error: { code: 'email_taken', message: 'taken' } }),
      'rate limited, no body': text(429, null),
      'bad request': json(400, { error: { code: 'bad_request', message: 'email: invalid' } }),
      'proxy error page': text(502, '<html>bad gateway</html>'),
      'success that is not JSON': text(200, 'hello'),
      'no answer': () => {
        throw new TypeError('Failed to fetch');
      },
    };
    for (const [what, answer] of Object.entries(answers)) {
      for (const [name, call] of Object.entries(CALLS)) {
        // logout answers 204; the tokens answers are what the other three get.
        if (name === 'logout' && what.startsWith('tokens')) continue;
        if (name !== 'logout' && what.startsWith('no content')) continue;
        const mine = recordingFetch(answer);
        const theirs = recordingFetch(answer);
        const got = await outcome(() => call(createAuthApi({ fetch: mine.fetch })));
        const expected = await outcome(() => call(createRestClient({ fetch: theirs.fetch }).auth));
        expect(got, `${name}: ${what}`).toEqual(expected);
        expect(mine.sent, `${name}: ${what} (request)`).toEqual(theirs.sent);
      }
    }
  });

  it('says no answer came (status 0) when the network fails', async () => {
    const { fetch } = recordingFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const result = await outcome(() => CALLS.login?.(createAuthApi({ fetch })) ?? Promise.resolve());
    expect(result).toMatchObject({ error: { isHeraldError: true, code: 'disconnected', status: 0 } });
  });

  it('refuses a success without the fields the session reads', async () => {
    for (const body of [
      {},
      { ...tokens, accessToken: 7 },
      { ...tokens, accessTokenExpiresAt: '1' },
      { ...tokens, user: null },
      { ...tokens, user: {} },
    ]) {
      const { fetch } = recordingFetch(json(200, body));
      const result = await outcome(() => CALLS.refresh?.(createAuthApi({ fetch })) ?? Promise.resolve());
      expect(result, JSON.stringify(body)).toMatchObject({ error: { isHeraldError: true, code: 'internal' } });
    }
  });
});
