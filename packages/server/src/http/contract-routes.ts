/**
 * contractRoutes: registers a route of the REST contract (`restContract` in @herald/protocol) on
 * Fastify. The route's method and path come from the contract; before the handler runs, the caller
 * is authenticated as the route's `auth` says and its params, query and body are validated, so the
 * handler receives typed input and never parses anything; what it returns is serialised through the
 * response schema of the status it names, so a field the contract does not declare never leaves.
 * Invariants: checks run in the order the routes always had (credential, path, query, body), and a
 * failed check is the same `bad_request` as ever (`invalid path` / `invalid query` / `invalid
 * request body`, with the issues naming each field); an answer that breaks its schema is a server
 * fault (500 `internal`, logged), never sent.
 * Each JSON route's body is limited to the contract's `bodyLimit` (413 `too_big` past it).
 * Routes that are not JSON in and out keep their own handling: `route.raw` takes only the method
 * and path from the contract and leaves the request to the handler (a multipart upload is marked
 * `streamedUpload`, so its body is timed by progress, not by the request deadline).
 */
import {
  describeIssues,
  ErrorCode,
  HeraldError,
  type RouteDefinition,
  type RouteInput,
  type RouteResponseInput,
  type RouteStatus,
} from '@herald/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { type Authenticator, requireAdmin } from './bearer.js';

/** Who called, by the route's `auth`: nobody for `none`, and for `userOrLink` the handler decides (a link is its own credential). */
export type Caller<R extends RouteDefinition, K> = R['auth'] extends 'user' | 'admin'
  ? Actor
  : R['auth'] extends 'optionalUser'
    ? Actor | null
    : R['auth'] extends 'apiKey'
      ? K
      : undefined;

/** What a handler receives: the validated input, the caller, and Fastify's request and reply for the rest (headers, logging, streaming). */
export interface RouteContext<R extends RouteDefinition, K> {
  params: RouteInput<R, 'params'>;
  query: RouteInput<R, 'query'>;
  body: RouteInput<R, 'body'>;
  actor: Caller<R, K>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A JSON answer: one of the route's statuses, with the body its schema describes (none for a `null` schema). */
export type RouteReply<R extends RouteDefinition> = {
  [S in RouteStatus<R>]: RouteResponseInput<R, S> extends undefined
    ? { status: S; body?: undefined }
    : { status: S; body: RouteResponseInput<R, S> };
}[RouteStatus<R>];

/** Handles a route: JSON routes return their answer; routes with a `responseType` send it themselves and return the reply. */
export type RouteHandler<R extends RouteDefinition, K> = (
  context: RouteContext<R, K>,
) => Promise<R extends { responseType: string } ? FastifyReply : RouteReply<R>>;

/** Fastify's route options (rate limit config, body limit), and the word naming the query in its validation error. */
export interface ContractRouteOptions extends RouteShorthandOptions {
  queryLabel?: string;
}

/** How callers are authenticated; a route whose `auth` needs one that is missing fails at registration. */
export interface RouteCredentials<K> {
  /** Bearer access tokens, for `user`, `admin` and `optionalUser` routes. */
  authenticate?: Authenticator;
  /** Server API keys, for `apiKey` routes. */
  apiKey?: (request: FastifyRequest) => Promise<K>;
}

export interface ContractRoute<K> {
  <R extends RouteDefinition>(route: R, handler: NoInfer<RouteHandler<R, K>>): void;
  <R extends RouteDefinition>(route: R, options: ContractRouteOptions, handler: NoInfer<RouteHandler<R, K>>): void;
  /** A route that is not JSON in or out (multipart upload, the web app): its method and path from the contract, the rest up to `handler`. */
  raw(
    route: RouteDefinition,
    options: RouteShorthandOptions,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>,
  ): void;
}

/** A registrar for `app` whose routes authenticate callers with `credentials`. */
export function contractRoutes<K = never>(app: FastifyInstance, credentials: RouteCredentials<K> = {}): ContractRoute<K> {
  /** The function that finds a route's caller (checked once, when the route is registered). */
  function callerFor(route: RouteDefinition): (request: FastifyRequest) => Promise<unknown> {
    const { authenticate, apiKey } = credentials;
    const missing = (what: string) => new Error(`${route.method} ${route.path} is an ${route.auth} route: contractRoutes needs ${what}`);
    switch (route.auth) {
      case 'user':
        if (!authenticate) throw missing('authenticate');
        return authenticate;
      case 'admin':
        if (!authenticate) throw missing('authenticate');
        return (request) => requireAdmin(authenticate, request);
      case 'optionalUser':
        if (!authenticate) throw missing('authenticate');
        // A bad or expired token makes the caller anonymous rather than refusing the request.
        return async (request) => {
          if (!request.headers.authorization) return null;
          try {
            return await authenticate(request);
          } catch {
            return null;
          }
        };
      case 'apiKey':
        if (!apiKey) throw missing('apiKey');
        return apiKey;
      case 'none':
      case 'userOrLink':
        return async () => undefined;
    }
  }

  function register<R extends RouteDefinition>(route: R, options: ContractRouteOptions, handler: RouteHandler<R, K>): void {
    const { queryLabel = 'query', ...fastifyOptions } = options;
    const callerOf = callerFor(route);
    app.route({
      ...fastifyOptions,
      // The route's own limit from the contract, unless the feature sets one (a configurable limit).
      bodyLimit: fastifyOptions.bodyLimit ?? route.bodyLimit,
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const actor = await callerOf(request);
        const context = {
          actor,
          params: route.params ? validated(route.params, request.params, 'path') : undefined,
          query: route.query ? validated(route.query, request.query, queryLabel) : undefined,
          body: route.body ? validated(route.body, request.body, 'request body') : undefined,
          request,
          reply,
        } as RouteContext<R, K>;
        const answer: unknown = await handler(context);
        if (route.responseType !== undefined) return answer;
        const { status, body } = answer as { status: number; body?: unknown };
        return reply.status(status).send(serialised(route, status, body));
      },
    });
  }

  function route<R extends RouteDefinition>(spec: R, second: ContractRouteOptions | RouteHandler<R, K>, third?: RouteHandler<R, K>): void {
    if (typeof second === 'function') register(spec, {}, second);
    else if (third) register(spec, second, third);
  }

  route.raw = (
    spec: RouteDefinition,
    options: RouteShorthandOptions,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>,
  ): void => {
    // A multipart upload streams to disk for as long as it keeps moving (http/request-deadlines.ts).
    const config = spec.requestType === 'multipart' ? { ...options.config, streamedUpload: true } : options.config;
    app.route({ ...options, config, method: spec.method, url: spec.path, handler });
  };

  return route;
}

/** `value` as `schema` reads it, or `bad_request` listing the issues (a missing body or query reads as `{}`). */
function validated(schema: z.ZodType, value: unknown, what: string): unknown {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HeraldError(ErrorCode.BadRequest, `invalid ${what}`, describeIssues(result.error));
  return result.data;
}

/** The body as its status's schema describes it (unknown fields dropped); a mismatch is our fault, not the caller's. */
function serialised(route: RouteDefinition, status: number, body: unknown): unknown {
  const schema = route.responses[status];
  if (schema === undefined) throw new Error(`${route.method} ${route.path} answered ${status}, which the contract does not declare`);
  if (schema === null) return undefined;
  const result = schema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${route.method} ${route.path} answer does not match the contract (${issues.join('; ')})`);
  }
  return result.data;
}
