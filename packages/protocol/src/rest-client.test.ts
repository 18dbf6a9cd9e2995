/**
 * The derived REST client against a real HTTP server on port 0 (node:http, answering like Herald
 * does), with a tiny contract of its own: what goes on the wire, what comes back, and how failures
 * become HeraldErrors.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HeraldError } from './herald-error.js';
import { createRestClient } from './rest-client.js';
import { defineRoute } from './rest-route.js';

const Item = z.object({ id: z.string(), n: z.number() });

const contract = {
  items: {
    get: defineRoute({
      method: 'GET',
      path: '/items/:id/parts/:part',
      summary: 'one item',
      auth: 'user',
      params: z.object({ id: z.string(), part: z.string() }),
      query: z.object({ n: z.coerce.number().optional(), tags: z.array(z.string()).optional() }),
      responses: { 200: Item },
      errors: [],
    }),
    create: defineRoute({
      method: 'POST',
      path: '/items',
      summary: 'create',
      auth: 'none',
      body: z.object({ n: z.number() }),
      responses: { 201: Item },
      errors: [],
    }),
    remove: defineRoute({
      method: 'DELETE',
      path: '/items/:id',
      summary: 'remove',
      auth: 'admin',
      params: z.object({ id: z.string() }),
      responses: { 204: null },
      errors: [],
    }),
    report: defineRoute({
      method: 'POST',
      path: '/report',
      summary: 'optional caller',
      auth: 'optionalUser',
      body: z.object({ text: z.string() }),
      responses: { 201: z.object({ by: z.string().nullable() }) },
      errors: [],
    }),
  },
  ops: {
    health: defineRoute({
      method: 'GET',
      path: '/health',
      summary: 'health',
      auth: 'none',
      responses: { 200: z.object({ ready: z.boolean() }), 503: z.object({ ready: z.boolean() }) },
      errors: [],
    }),
    blob: defineRoute({
      method: 'GET',
      path: '/blob',
      summary: 'bytes',
      auth: 'none',
      responseType: 'bytes',
      responses: { 200: null },
      errors: [],
    }),
    page: defineRoute({
      method: 'GET',
      path: '/*',
      summary: 'html',
      auth: 'none',
      responseType: 'html',
      responses: { 200: null },
      errors: [],
    }),
  },
};

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Answer = { status: number; body?: unknown; text?: string };

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

/** A server that records each request and answers with `answer(request)`. */
async function serve(answer: (seen: Seen) => Answer): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const entry = {
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body,
    };
    seen.push(entry);
    const { status, body: json, text } = answer(entry);
    response.statusCode = status;
    if (json !== undefined) response.setHeader('content-type', 'application/json');
    response.end(text ?? (json === undefined ? undefined : JSON.stringify(json)));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('createRestClient', () => {
  it('fills the path, the query and the JSON body, and sends the token only to routes that take one', async () => {
    const { baseUrl, seen } = await serve((request) =>
      request.method === 'GET' ? { status: 200, body: { id: 'a b', n: 2, extra: true } } : { status: 201, body: { id: 'new', n: 5 } },
    );
    const client = createRestClient({ baseUrl, getToken: () => 't1' }, contract);
    const item = await client.items.get({ params: { id: 'a b', part: 'x/y' }, query: { n: 2, tags: ['p', 'q'] } });
    expect(item).toEqual({ id: 'a b', n: 2, extra: true });
    expect(await client.items.create({ body: { n: 5 } })).toEqual({ id: 'new', n: 5 });
    expect(seen).toEqual([
      { method: 'GET', url: '/items/a%20b/parts/x%2Fy?n=2&tags=p&tags=q', authorization: 'Bearer t1', contentType: undefined, body: '' },
      { method: 'POST', url: '/items', authorization: undefined, contentType: 'application/json', body: '{"n":5}' },
    ]);
  });

  it('throws the server error as a HeraldError with its code, message, details and status', async () => {
    const { baseUrl } = await serve(() => ({
      status: 400,
      body: { error: { code: 'bad_request', message: 'invalid request body', details: [{ path: 'n', message: 'no' }] } },
    }));
    const client = createRestClient({ baseUrl }, contract);
    const error = await client.items.create({ body: { n: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: 'bad_request', message: 'invalid request body', status: 400, details: [{ path: 'n' }] });
  });

  it('makes a code from the status when the answer is not a Herald error body', async () => {
    const { baseUrl } = await serve(() => ({ status: 502, text: '<html>bad gateway</html>' }));
    const client = createRestClient({ baseUrl }, contract);
    await expect(client.items.create({ body: { n: 1 } })).rejects.toMatchObject({ code: 'internal', status: 502, message: 'HTTP 502' });
  });

  it('reports an unreachable server as `disconnected` with status 0', async () => {
    const { baseUrl } = await serve(() => ({ status: 200 }));
    const closing = server;
    server = undefined;
    await new Promise((resolve) => closing?.close(resolve));
    const client = createRestClient({ baseUrl }, contract);
    await expect(client.items.create({ body: { n: 1 } })).rejects.toMatchObject({ name: 'HeraldError', code: 'disconnected', status: 0 });
  });

  it('refreshes a refused user token once and retries; a second refusal is thrown', async () => {
    const { baseUrl, seen } = await serve((request) =>
      request.authorization === 'Bearer fresh'
        ? { status: 204 }
        : { status: 401, body: { error: { code: 'token_expired', message: 'expired' } } },
    );
    let refreshes = 0;
    const refreshToken = async () => (++refreshes === 1 ? 'fresh' : 'stale');
    const client = createRestClient({ baseUrl, getToken: () => 'old', refreshToken }, contract);
    expect(await client.items.remove({ params: { id: 'i1' } })).toBeUndefined();
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer old', 'Bearer fresh']);
    await expect(client.items.remove({ params: { id: 'i1' } })).rejects.toMatchObject({ code: 'token_expired', status: 401 });
    expect(refreshes).toBe(2);
    // A token given for the call is the caller's business: no refresh.
    await expect(client.items.remove({ params: { id: 'i1' }, token: 'mine' })).rejects.toMatchObject({ status: 401 });
    expect(refreshes).toBe(2);
    expect(seen.at(-1)?.authorization).toBe('Bearer mine');
  });

  it('calls an optional-user route anonymously when there is no token to be had', async () => {
    const { baseUrl, seen } = await serve((request) => ({ status: 201, body: { by: request.authorization ?? null } }));
    const signedOut = createRestClient(
      {
        baseUrl,
        getToken: () => {
          throw new HeraldError('unauthorized', 'signed out');
        },
      },
      contract,
    );
    expect(await signedOut.items.report({ body: { text: 'oops' } })).toEqual({ by: null });
    const signedIn = createRestClient({ baseUrl, getToken: async () => 't2' }, contract);
    expect(await signedIn.items.report({ body: { text: 'oops' } })).toEqual({ by: 'Bearer t2' });
    expect(seen).toHaveLength(2);
  });

  it('returns the body of a declared non-2xx answer, and the unread Response of a route that is not JSON', async () => {
    const { baseUrl } = await serve((request) =>
      request.url === '/health' ? { status: 503, body: { ready: false } } : { status: 200, text: 'raw bytes' },
    );
    const client = createRestClient({ baseUrl }, contract);
    expect(await client.ops.health()).toEqual({ ready: false });
    const blob = await client.ops.blob();
    expect([blob.status, await blob.text()]).toEqual([200, 'raw bytes']);
    expect(Object.keys(client.ops)).toEqual(['health', 'blob']);
  });
});
