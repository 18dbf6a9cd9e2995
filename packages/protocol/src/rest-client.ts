/**
 * createRestClient: the typed REST client, derived from the contract (`rest-contract.ts`), so
 * `client.conversations.get({ params: { id } })` has the route's path, method, input and answer
 * types and nothing is written twice. One method per route (the web app's HTML route excepted).
 * Invariants: every failure is a HeraldError carrying the server's code and the HTTP `status`
 * (0 when no answer came); the client never validates what it sends (the server does, and says
 * which field is wrong); a route behind a user token that is refused (401) is retried once with a
 * refreshed token when the caller gave a `refreshToken`.
 */
import { ErrorCode } from './codes.js';
import { HeraldError } from './herald-error.js';
import { type RestContract, restContract } from './rest-contract.js';
import { restErrorFrom } from './rest-error.js';
import { fillPath, type RouteDefinition, type RouteResponse, type RouteTable, type RouteWireInput } from './rest-route.js';

type MaybePromise<T> = T | Promise<T>;

export interface RestClientOptions {
  /** Prefix of every path, e.g. `http://127.0.0.1:8000`; default '' (same origin). */
  baseUrl?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** The access token for routes behind a user token, asked for on each call (may refresh it first). */
  getToken?: () => MaybePromise<string | null | undefined>;
  /** A fresh access token after one was refused with 401; the call is then retried once. */
  refreshToken?: () => Promise<string | null | undefined>;
}

/** Per call: a credential or headers of its own, and an abort signal. */
export interface RestCallOptions {
  /** Sent as `Authorization: Bearer <token>` instead of `getToken`'s (e.g. a server API key). */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `{ key: T }` when the route needs it, `{ key?: T }` when everything in it is optional, none otherwise. */
type Field<K extends string, T> = [T] extends [undefined]
  ? { [P in K]?: never }
  : undefined extends T
    ? { [P in K]?: T }
    : object extends T
      ? { [P in K]?: T }
      : { [P in K]: T };

/** What a call of route `R` takes. */
export type RouteCallArgs<R extends RouteDefinition> = Field<'params', RouteWireInput<R, 'params'>> &
  Field<'query', RouteWireInput<R, 'query'>> &
  (R extends { requestType: 'multipart' } ? { body: FormData } : Field<'body', RouteWireInput<R, 'body'>>) &
  RestCallOptions;

/** What a call of route `R` resolves to: the JSON answer, or the unread Response of a route that is not JSON. */
export type RouteResult<R extends RouteDefinition> = R extends { responseType: string } ? Response : RouteResponse<R>;

export type RouteCall<R extends RouteDefinition> =
  object extends RouteCallArgs<R>
    ? (args?: RouteCallArgs<R>) => Promise<RouteResult<R>>
    : (args: RouteCallArgs<R>) => Promise<RouteResult<R>>;

/** A client for contract `C`: `client.<group>.<route>(args)`. */
export type RestClient<C extends RouteTable = RestContract> = {
  [G in keyof C]: { [K in keyof C[G] as C[G][K] extends { responseType: 'html' } ? never : K]: RouteCall<C[G][K]> };
};

interface AnyArgs extends RestCallOptions {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Make a client for Herald's REST API (or, for tests, for another contract). */
export function createRestClient<C extends RouteTable = RestContract>(options: RestClientOptions = {}, contract?: C): RestClient<C> {
  const caller = new RouteCaller(options);
  const client: Record<string, Record<string, (args?: AnyArgs) => Promise<unknown>>> = {};
  const table: RouteTable = contract ?? restContract;
  for (const [groupName, group] of Object.entries(table)) {
    const methods: Record<string, (args?: AnyArgs) => Promise<unknown>> = {};
    for (const [name, route] of Object.entries(group)) {
      if (route.responseType !== 'html') methods[name] = (args) => caller.call(route, args ?? {});
    }
    client[groupName] = methods;
  }
  return client as unknown as RestClient<C>;
}

/** Routes whose credential is the user's access token (the ones a refresh can rescue). */
const USER_TOKEN_ROUTES: ReadonlySet<string> = new Set(['user', 'admin', 'userOrLink']);

class RouteCaller {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: RestClientOptions) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async call(route: RouteDefinition, args: AnyArgs): Promise<unknown> {
    const url = `${this.baseUrl}${fillPath(route.path, args.params)}${queryString(args.query)}`;
    const ownToken = args.token !== undefined;
    let response = await this.send(route, url, args, ownToken ? args.token : await this.tokenFor(route));
    if (response.status === 401 && !ownToken && this.options.refreshToken && USER_TOKEN_ROUTES.has(route.auth)) {
      const error = await failure(response);
      if (error.code !== ErrorCode.TokenExpired && error.code !== ErrorCode.Unauthorized) throw error;
      response = await this.send(route, url, args, (await this.options.refreshToken()) ?? undefined);
    }
    if (!succeeded(route, response.status)) throw await failure(response);
    if (route.responseType !== undefined) return response;
    return json(response);
  }

  private async tokenFor(route: RouteDefinition): Promise<string | undefined> {
    if (!this.options.getToken) return undefined;
    if (USER_TOKEN_ROUTES.has(route.auth)) return (await this.options.getToken()) ?? undefined;
    if (route.auth !== 'optionalUser') return undefined;
    try {
      return (await this.options.getToken()) ?? undefined;
    } catch {
      // Signed out (or a failed refresh) makes an optional-user call anonymous, not a failure.
      return undefined;
    }
  }

  private async send(route: RouteDefinition, url: string, args: AnyArgs, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...args.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | undefined;
    if (route.requestType === 'multipart') body = args.body as FormData;
    else if (args.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(args.body);
    }
    const init: RequestInit = { method: route.method, headers };
    if (body !== undefined) init.body = body;
    if (args.signal) init.signal = args.signal;
    try {
      return await this.fetchFn(url, init);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : 'network error';
      throw new HeraldError(ErrorCode.Disconnected, `${route.method} ${route.path} failed: ${message}`, undefined, { status: 0, cause });
    }
  }
}

/** A declared status, or any 2xx (a newer server may add one). */
function succeeded(route: RouteDefinition, status: number): boolean {
  return (status >= 200 && status < 300) || Object.hasOwn(route.responses, status);
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HeraldError(ErrorCode.Internal, `HTTP ${response.status} answer is not JSON`, undefined, { status: response.status });
  }
}

async function failure(response: Response): Promise<HeraldError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return restErrorFrom(response.status, body);
}
