/**
 * AuthApi: the four auth routes the session calls — register, login, refresh, logout — over a
 * plain fetch, without zod or the REST contract's schemas (~30 KB gzipped together), so /login
 * paints without them. `createRestClient` would bring both: it walks the whole contract, schemas
 * and all, to build its methods.
 * Why not that client, imported on demand: the session refreshes on every start, so the contract
 * would be fetched on every visit before the app knows who is signed in, and a sign-in on a cold
 * cache would wait for it. These four calls need only a method, a path and a JSON body; everything
 * behind sign-in loads the full client with the signed-in shell anyway.
 * Invariants: it is the REST client's `auth` group for these routes, by type (`AuthApi` is a Pick
 * of `RestClient['auth']`) and on the wire — same method, path, JSON body, caller's headers; any
 * 2xx succeeds; every failure is the HeraldError `restErrorFrom` makes (code and message from the
 * server's `{ error }`, else from the HTTP status; `disconnected` with status 0 when no answer
 * came); `auth-api.test.ts` runs both against the same answers. Method and path are typed as the
 * contract's literals, so a drift does not compile. An answer is checked for the fields the session
 * reads (`accessToken`, `accessTokenExpiresAt`, `user.id`) and refused as `internal` otherwise.
 */
import type { AuthResponse, RestCallOptions, RestClient, RestContract } from '@herald/protocol';
import { ErrorCode, HeraldError, restErrorFrom } from '@herald/protocol';

type AuthRouteName = 'register' | 'login' | 'refresh' | 'logout';

/** The REST client's calls for these routes, with the same signatures. */
export type AuthApi = Pick<RestClient['auth'], AuthRouteName>;

export interface AuthApiOptions {
  /** Prefix of every path; default '' (same origin). */
  baseUrl?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Method and path of each route: the contract's literal types, so only its values compile. */
const ROUTES: { readonly [K in AuthRouteName]: Pick<RestContract['auth'][K], 'method' | 'path'> } = {
  register: { method: 'POST', path: '/api/v1/auth/register' },
  login: { method: 'POST', path: '/api/v1/auth/login' },
  refresh: { method: 'POST', path: '/api/v1/auth/refresh' },
  logout: { method: 'POST', path: '/api/v1/auth/logout' },
};

interface CallArgs extends RestCallOptions {
  body?: unknown;
}

/** Make the auth calls over `options.fetch`. */
export function createAuthApi(options: AuthApiOptions = {}): AuthApi {
  const baseUrl = options.baseUrl ?? '';
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));

  async function call(route: { method: string; path: string }, args: CallArgs): Promise<unknown> {
    const headers: Record<string, string> = { ...args.headers };
    if (args.token) headers.authorization = `Bearer ${args.token}`;
    const init: RequestInit = { method: route.method, headers };
    if (args.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(args.body);
    }
    if (args.signal) init.signal = args.signal;
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}${route.path}`, init);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : 'network error';
      throw new HeraldError(ErrorCode.Disconnected, `${route.method} ${route.path} failed: ${message}`, undefined, { status: 0, cause });
    }
    const text = await response.text().catch(() => '');
    const body = parseJson(text);
    if (response.status < 200 || response.status >= 300) throw restErrorFrom(response.status, body === NOT_JSON ? undefined : body);
    if (body === NOT_JSON) {
      throw new HeraldError(ErrorCode.Internal, `HTTP ${response.status} answer is not JSON`, undefined, { status: response.status });
    }
    return body;
  }

  async function tokens(route: { method: string; path: string }, args: CallArgs): Promise<AuthResponse> {
    const answer = await call(route, args);
    if (!isAuthResponse(answer)) {
      throw new HeraldError(ErrorCode.Internal, `${route.method} ${route.path}: the answer is not an auth response`);
    }
    return answer;
  }

  return {
    register: (args) => tokens(ROUTES.register, args),
    login: (args) => tokens(ROUTES.login, args),
    refresh: (args) => tokens(ROUTES.refresh, args ?? {}),
    logout: async (args) => {
      await call(ROUTES.logout, args ?? {});
      return undefined;
    },
  };
}

const NOT_JSON = Symbol('not JSON');

/** The parsed body; undefined when empty, NOT_JSON when it does not parse. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The fields of an auth answer the session reads; the rest is the server's word. */
function isAuthResponse(value: unknown): value is AuthResponse {
  const answer = value as Partial<Record<keyof AuthResponse, unknown>> | null;
  const user = answer?.user as { id?: unknown } | null | undefined;
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.accessToken === 'string' &&
    typeof answer.accessTokenExpiresAt === 'number' &&
    typeof user === 'object' &&
    user !== null &&
    typeof user.id === 'string'
  );
}
