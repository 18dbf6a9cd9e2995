/**
 * The contract registrar on a real Fastify on port 0, with a tiny contract of its own: the handler
 * gets validated, coerced input and its caller; failures are the usual coded errors, checked in
 * order (credential, path, query, body); answers go through their schema; raw routes are left alone.
 */
import { defineRoute, ErrorCode, HeraldError } from '@herald/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { contractRoutes } from './contract-routes.js';
import { installErrorHandling } from './errors.js';

const Thing = z.object({ id: z.string(), size: z.number() });

const contract = {
  get: defineRoute({
    method: 'GET',
    path: '/things/:id',
    summary: 'one thing',
    auth: 'user',
    params: z.object({ id: z.string().min(3) }),
    query: z.object({ size: z.coerce.number().int().default(1) }),
    responses: { 200: Thing },
    errors: [],
  }),
  put: defineRoute({
    method: 'PUT',
    path: '/things/:id',
    summary: 'replace a thing',
    auth: 'admin',
    params: z.object({ id: z.string().min(3) }),
    body: z.object({ size: z.number() }),
    responses: { 201: Thing, 200: Thing },
    errors: [],
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/things/:id',
    summary: 'remove',
    auth: 'optionalUser',
    params: z.object({ id: z.string() }),
    responses: { 204: null },
    errors: [],
  }),
  keyed: defineRoute({
    method: 'POST',
    path: '/keyed',
    summary: 'api key',
    auth: 'apiKey',
    body: z.object({ n: z.number() }),
    responses: { 200: z.object({ key: z.string(), n: z.number() }) },
    errors: [],
  }),
  text: defineRoute({
    method: 'GET',
    path: '/text',
    summary: 'text',
    auth: 'none',
    responseType: 'text',
    responses: { 200: null },
    errors: [],
  }),
  upload: defineRoute({
    method: 'POST',
    path: '/upload',
    summary: 'raw',
    auth: 'user',
    requestType: 'multipart',
    responses: { 201: null },
    errors: [],
  }),
};

/** Bearer `u1` is a user, `a1` an admin; anything else is refused. */
async function authenticate(request: { headers: { authorization?: string } }): Promise<Actor> {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (token === 'u1') return { userId: 'u1', role: 'user', sessionId: 's1' };
  if (token === 'a1') return { userId: 'a1', role: 'admin', sessionId: 's2' };
  throw new HeraldError(ErrorCode.Unauthorized, 'who are you');
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(register: (app: FastifyInstance) => void): Promise<string> {
  app = Fastify();
  installErrorHandling(app);
  register(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function call(base: string, method: string, path: string, init: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, response };
}

describe('contractRoutes', () => {
  it('hands the handler its caller and validated, coerced input, and sends the answer through its schema', async () => {
    const seen: unknown[] = [];
    const base = await serve((app) => {
      const route = contractRoutes(app, { authenticate });
      route(contract.get, async ({ actor, params, query }) => {
        seen.push({ actor, params, query });
        // `extra` is not in the schema: it never leaves.
        const body: { id: string; size: number } = Object.assign({ id: params.id, size: query.size }, { extra: 'secret' });
        return { status: 200, body };
      });
    });
    const answer = await call(base, 'GET', '/things/abc?size=7', { token: 'u1' });
    expect(answer).toMatchObject({ status: 200, body: { id: 'abc', size: 7 } });
    expect(answer.body).not.toHaveProperty('extra');
    expect(seen).toEqual([{ actor: { userId: 'u1', role: 'user', sessionId: 's1' }, params: { id: 'abc' }, query: { size: 7 } }]);
  });

  it('checks the credential before the input, then the path, the query and the body, each with its usual error', async () => {
    const base = await serve((app) => {
      const route = contractRoutes(app, { authenticate });
      route(contract.get, async ({ params, query }) => ({ status: 200, body: { id: params.id, size: query.size } }));
      route(contract.put, async ({ params, body }) => ({ status: 201, body: { id: params.id, size: body.size } }));
    });
    expect(await call(base, 'GET', '/things/x?size=no')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await call(base, 'GET', '/things/x?size=no', { token: 'u1' })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: 'invalid path', details: [{ path: 'id' }] } },
    });
    expect(await call(base, 'GET', '/things/abc?size=no', { token: 'u1' })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: 'invalid query', details: [{ path: 'size' }] } },
    });
    expect(await call(base, 'PUT', '/things/abc', { token: 'u1', body: { size: 'big' } })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await call(base, 'PUT', '/things/abc', { token: 'a1', body: { size: 'big' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: 'invalid request body', details: [{ path: 'size' }] } },
    });
    expect(await call(base, 'PUT', '/things/abc', { token: 'a1' })).toMatchObject({
      status: 400,
      body: { error: { message: 'invalid request body' } },
    });
    expect(await call(base, 'PUT', '/things/abc', { token: 'a1', body: { size: 2 } })).toMatchObject({
      status: 201,
      body: { id: 'abc', size: 2 },
    });
  });

  it('answers the status the handler names, sends no body for a null schema, and makes an optional caller anonymous on a bad token', async () => {
    const callers: unknown[] = [];
    const base = await serve((app) => {
      const route = contractRoutes(app, { authenticate });
      route(contract.put, async ({ params, body }) => ({ status: 200, body: { id: params.id, size: body.size } }));
      route(contract.remove, async ({ actor }) => {
        callers.push(actor);
        return { status: 204 };
      });
    });
    expect(await call(base, 'PUT', '/things/abc', { token: 'a1', body: { size: 1 } })).toMatchObject({ status: 200 });
    const removed = await call(base, 'DELETE', '/things/abc', { token: 'u1' });
    expect(removed).toMatchObject({ status: 204, body: undefined });
    await call(base, 'DELETE', '/things/abc', { token: 'forged' });
    await call(base, 'DELETE', '/things/abc');
    expect(callers).toEqual([{ userId: 'u1', role: 'user', sessionId: 's1' }, null, null]);
  });

  it('names the query as the route asks (a signed link is not "the query" to its caller)', async () => {
    const base = await serve((app) => {
      const route = contractRoutes(app, { authenticate });
      route(contract.get, { queryLabel: 'download link' }, async ({ params, query }) => ({
        status: 200,
        body: { id: params.id, size: query.size },
      }));
    });
    expect(await call(base, 'GET', '/things/abc?size=x', { token: 'u1' })).toMatchObject({
      status: 400,
      body: { error: { message: 'invalid download link' } },
    });
  });

  it('authenticates apiKey routes with the given authenticator, before the body', async () => {
    const base = await serve((app) => {
      const route = contractRoutes(app, {
        authenticate,
        apiKey: async (request) => {
          if (request.headers['x-key'] !== 'k1') throw new HeraldError(ErrorCode.Unauthorized, 'no key');
          return { keyId: 'k1' };
        },
      });
      route(contract.keyed, async ({ actor, body }) => ({ status: 200, body: { key: actor.keyId, n: body.n } }));
    });
    expect(await call(base, 'POST', '/keyed', { body: { n: 'x' } })).toMatchObject({ status: 401 });
    const ok = await fetch(`${base}/keyed`, {
      method: 'POST',
      headers: { 'x-key': 'k1', 'content-type': 'application/json' },
      body: '{"n":3}',
    });
    expect(await ok.json()).toEqual({ key: 'k1', n: 3 });
  });

  it('treats an answer that breaks its schema, or a status the contract lacks, as a server fault', async () => {
    const base = await serve((app) => {
      app.log.level = 'silent';
      const route = contractRoutes(app, { authenticate });
      route(contract.get, async ({ params }) => ({ status: 200, body: { id: params.id, size: 'huge' as unknown as number } }));
      route(contract.put, async () => ({ status: 202 as 200, body: { id: 'x', size: 1 } }));
    });
    expect(await call(base, 'GET', '/things/abc', { token: 'u1' })).toMatchObject({ status: 500, body: { error: { code: 'internal' } } });
    expect(await call(base, 'PUT', '/things/abc', { token: 'a1', body: { size: 1 } })).toMatchObject({ status: 500 });
  });

  it('lets non-JSON routes send their own answer, and raw routes take the request as it is', async () => {
    const base = await serve((app) => {
      const route = contractRoutes(app, { authenticate });
      route(contract.text, async ({ reply }) => reply.type('text/plain').send('hello'));
      route.raw(contract.upload, {}, async (request, reply) =>
        reply.status(201).send(`raw ${request.headers.authorization ?? 'anonymous'}`),
      );
    });
    const text = await fetch(`${base}/text`);
    expect([text.status, text.headers.get('content-type'), await text.text()]).toEqual([200, 'text/plain', 'hello']);
    const raw = await fetch(`${base}/upload`, { method: 'POST' });
    expect([raw.status, await raw.text()]).toEqual([201, 'raw anonymous']);
  });

  it('refuses at registration a route whose credential it cannot check', () => {
    const bare = Fastify();
    const route = contractRoutes(bare);
    expect(() => route(contract.get, async () => ({ status: 200, body: { id: 'x', size: 1 } }))).toThrow(/user route.*authenticate/);
    const withoutKeys = contractRoutes(bare, { authenticate });
    expect(() => withoutKeys(contract.keyed, async () => ({ status: 200, body: { key: '', n: 0 } }))).toThrow(/apiKey route.*apiKey/);
    route(contract.text, async ({ reply }) => reply.send('fine'));
  });
});
