/**
 * The shape of one REST route in the contract (`rest-contract.ts`): method, path, who may call it,
 * the zod schemas of its input and of each success response, and the error codes it answers with.
 * The server registers and validates routes from these values, and the REST client is typed
 * from them, so a path or a field cannot drift between the two.
 * Invariant: every `:name` in a path has a field of that name in `params`.
 */
import type { z } from 'zod';
import type { ErrorCode } from './codes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, and with what credential:
 * - `none`: anyone, no credential;
 * - `optionalUser`: anyone; a valid Bearer access token, when sent, names the caller;
 * - `user`: a Bearer access token (`unauthorized`/`token_expired` otherwise);
 * - `admin`: a Bearer access token of an admin (`forbidden` for other users);
 * - `apiKey`: a server API key (`Authorization: Bearer hk_…` or `X-Herald-Key`);
 * - `userOrLink`: a Bearer access token, or a signed link's query parameters.
 */
export type RouteAuth = 'none' | 'optionalUser' | 'user' | 'admin' | 'apiKey' | 'userOrLink';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Fastify-style path: `:name` segments are path parameters. `/*` matches any path (the web app). */
  readonly path: `/${string}`;
  /** One line for readers of the table. */
  readonly summary: string;
  readonly auth: RouteAuth;
  /** Path parameters (strings on the wire). */
  readonly params?: z.ZodType;
  /** Query string (every value arrives as a string; schemas coerce where they want numbers). */
  readonly query?: z.ZodType;
  /** JSON request body. */
  readonly body?: z.ZodType;
  /**
   * Largest JSON body accepted, in bytes (what the body schema allows at its largest, with room
   * for JSON escapes); a larger one is refused with 413 `too_big` (`details.limit: http_body`)
   * before it is parsed. Routes without one get the server's default for bodiless routes.
   */
  readonly bodyLimit?: number;
  /** Set when the request is not JSON: `multipart` is a multipart/form-data upload. */
  readonly requestType?: 'multipart';
  /** Set when the success response is not JSON: raw bytes, plain text or an HTML page. */
  readonly responseType?: 'bytes' | 'text' | 'html';
  /**
   * Each answer that is not an error, by HTTP status: the schema of its JSON body, or `null` when
   * it has none (204, or a route with a `responseType`).
   */
  readonly responses: { readonly [status: number]: z.ZodType | null };
  /**
   * The error codes this route answers with (as `{ error: { code, message, details? } }` and the
   * status `docs/protocol.md` gives each code). Any route may also answer `internal`, `unavailable`
   * or `too_big` (a body over the server's limit); those are not repeated here.
   */
  readonly errors: readonly ErrorCode[];
}

/** Declare a route, keeping its literal types (method, statuses, schemas) for the server and client. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

/** A group of routes by name (`auth`, `conversations`…), and a table of such groups by name (a contract). */
export type RouteGroup = { readonly [name: string]: RouteDefinition };
export type RouteTable = { readonly [group: string]: RouteGroup };

/** The `:name` segments of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] as string);
}

/** The path with each `:name` replaced by its URL-encoded value. */
export function fillPath(path: string, params: Readonly<Record<string, unknown>> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_segment, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}

type SchemaOf<R, K extends 'params' | 'query' | 'body'> = R extends { readonly [P in K]: infer S extends z.ZodType } ? S : undefined;

/** The validated (output) type of a route's params, query or body; `undefined` when it has none. */
export type RouteInput<R extends RouteDefinition, K extends 'params' | 'query' | 'body'> =
  SchemaOf<R, K> extends z.ZodType ? z.output<SchemaOf<R, K>> : undefined;

/** What a caller sends as a route's params, query or body (before defaults and coercion). */
export type RouteWireInput<R extends RouteDefinition, K extends 'params' | 'query' | 'body'> =
  SchemaOf<R, K> extends z.ZodType ? z.input<SchemaOf<R, K>> : undefined;

/** The success statuses a route declares. */
export type RouteStatus<R extends RouteDefinition> = keyof R['responses'] & number;

/** The JSON body a route answers with at `status` (`undefined` when it has none), as the server builds it. */
export type RouteResponseInput<R extends RouteDefinition, S extends RouteStatus<R>> = R['responses'][S] extends z.ZodType
  ? z.input<R['responses'][S]>
  : undefined;

/** The JSON body a route answers with at any of its success statuses, as a client reads it. */
export type RouteResponse<R extends RouteDefinition> = {
  [S in RouteStatus<R>]: R['responses'][S] extends z.ZodType ? z.output<R['responses'][S]> : undefined;
}[RouteStatus<R>];
