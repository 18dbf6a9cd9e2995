/**
 * The REST side of the fuzz: bodies and queries of a few routes that store or relay what they are
 * given (post a message, create a group, search users, report an error, read history, push an
 * admin direct event, publish an event with an API key, sign up), generated from the routes' own
 * schemas in `restContract` and mutated like socket frames (same mutations, deep nesting included).
 * Invariants checked: no answer is 5xx, every error body has a code, the code is documented
 * (`ErrorCode`) and is one of the route's own documented errors (`restContract`'s `errors`, plus
 * `too_big` for a body over the limit).
 */
import fc from 'fast-check';
import { mutate } from './frames.mjs';
import { arbitraryOf } from './schema-arb.mjs';
import { breach, bump, shown } from './tally.mjs';

/**
 * @param {{ protocol: typeof import('@herald/protocol'), baseUrl: string, fixtures: import('./server.mjs').Fixtures,
 *           tally: import('./tally.mjs').Tally, documented: { errors: Set<string> }, seed: number }} options
 */
export function restFuzzer({ protocol, baseUrl, fixtures, tally, documented, seed }) {
  const { restContract: c } = protocol;
  const user = /** @type {import('./frames.mjs').FuzzContext} */ (fixtures.fuzz[0]);
  const own = /** @type {string} */ (user.ownConversations[0]);
  const nonBlank = fc.string({ minLength: 1, maxLength: 30 }).map((s) => (s.trim() ? s : `${s}t`));
  const hints = {
    text: nonBlank,
    title: nonBlank,
    name: nonBlank,
    message: nonBlank,
    email: fc.emailAddress(),
    password: fc.constant('fuzz-password-123'),
    conversationId: fc.constantFrom(own, ...user.otherConversations),
    userId: fc.constantFrom(...user.userIds),
    memberIds: fc.array(fc.constantFrom(...user.userIds), { maxLength: 3 }),
    event: fc.constantFrom('fuzz.event', 'a:b', 'x'),
    query: fc.string({ maxLength: 20 }),
  };
  const bearer = { user: user.token, admin: fixtures.admin.token, key: fixtures.apiKey };
  /** @typedef {{ name: string, route: import('@herald/protocol').RouteDefinition, path: string, auth: keyof typeof bearer | undefined, in: 'body' | 'query', schema: any, weight: number }} Target */
  /** @type {Target[]} */
  const targets = [
    {
      name: 'send',
      route: c.conversations.send,
      path: `/api/v1/conversations/${own}/messages`,
      auth: 'user',
      in: 'body',
      schema: c.conversations.send.body,
      weight: 6,
    },
    {
      name: 'create',
      route: c.conversations.create,
      path: '/api/v1/conversations',
      auth: 'user',
      in: 'body',
      schema: c.conversations.create.body,
      weight: 3,
    },
    { name: 'search', route: c.users.search, path: '/api/v1/users', auth: 'user', in: 'query', schema: c.users.search.query, weight: 3 },
    {
      name: 'history',
      route: c.conversations.history,
      path: `/api/v1/conversations/${own}/messages`,
      auth: 'user',
      in: 'query',
      schema: c.conversations.history.query,
      weight: 2,
    },
    {
      name: 'report',
      route: c.errors.report,
      path: '/api/v1/errors',
      auth: undefined,
      in: 'body',
      schema: c.errors.report.body,
      weight: 3,
    },
    {
      name: 'direct',
      route: c.admin.direct,
      path: '/api/v1/admin/direct',
      auth: 'admin',
      in: 'body',
      schema: c.admin.direct.body,
      weight: 3,
    },
    {
      name: 'publish',
      route: c.publish.publish,
      path: '/api/v1/publish',
      auth: 'key',
      in: 'body',
      schema: c.publish.publish.body,
      weight: 3,
    },
    {
      name: 'register',
      route: c.auth.register,
      path: '/api/v1/auth/register',
      auth: undefined,
      in: 'body',
      schema: c.auth.register.body,
      weight: 1,
    },
  ];
  const arb = fc.oneof(
    ...targets.map((target, index) => ({
      weight: target.weight,
      arbitrary: fc.tuple(
        fc.constant(index),
        arbitraryOf(target.schema, hints),
        fc.array(restMutation(), { maxLength: 2 }),
        fc.nat({ max: 19 }),
      ),
    })),
  );
  let round = 0;
  /** @type {[number, unknown, any[], number][]} */
  let chunk = [];
  const next = () => {
    if (chunk.length === 0) chunk = fc.sample(arb, { seed: (seed + Math.imul(++round, 0x85ebca6b)) | 0, numRuns: 64 }).reverse();
    return /** @type {[number, unknown, any[], number]} */ (chunk.pop());
  };

  /** One request. */
  async function once() {
    const [index, value, mutations, rawRoll] = next();
    const target = /** @type {Target} */ (targets[index]);
    const input = mutations.length ? mutate(/** @type {Record<string, unknown>} */ (value ?? {}), mutations) : value;
    let url = baseUrl + target.path;
    /** @type {string | undefined} */
    let body;
    if (target.in === 'query') {
      const params = new URLSearchParams();
      if (input && typeof input === 'object')
        for (const [k, v] of Object.entries(input)) params.set(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
      url += `?${params}`;
    } else {
      body = JSON.stringify(input ?? null).replace(/"\\u0001(DEEP|RAW):([^"]*)"/g, (_all, kind, rest) => {
        if (kind === 'RAW') return rest;
        const [depth, open] = rest.split(':');
        const n = Number(depth);
        return open === '[' ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
      });
      // One body in twenty is not JSON at all.
      if (rawRoll === 0) body = body.slice(0, Math.floor(body.length / 2));
    }
    const headers = {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(target.auth ? { authorization: `Bearer ${bearer[target.auth]}` } : {}),
    };
    const response = await fetch(url, { method: target.route.method, headers, body });
    const text = await response.text();
    tally.frames++;
    tally.replies++;
    bump(tally.kinds, `rest-${target.name}`);
    const what = () =>
      `${target.route.method} ${target.path}${target.in === 'query' ? url.slice(url.indexOf('?')) : ''} ${body === undefined ? '' : shown(body)} → ${response.status} ${shown(text)}`;
    if (response.status >= 500) {
      bump(tally.codes, `rest ${response.status}`);
      breach(tally, `REST ${response.status}${text.includes('"internal"') ? ' internal' : ''}`, what());
      return;
    }
    if (response.status < 400) {
      bump(tally.codes, `rest ${response.status}`);
      return;
    }
    let code;
    try {
      code = JSON.parse(text).error?.code;
    } catch {
      code = undefined;
    }
    bump(tally.codes, `rest ${code ?? response.status}`);
    if (typeof code !== 'string') breach(tally, 'REST error without a code', what());
    else if (!documented.errors.has(code)) breach(tally, 'REST undocumented error code', what());
    else if (!target.route.errors.includes(/** @type {any} */ (code)) && code !== 'too_big')
      breach(tally, `REST code not among the route's documented errors`, what());
  }

  return {
    /** Send `count` requests one after another, or until `stopped()`. @param {number} count @param {() => boolean} stopped */
    async run(count, stopped) {
      for (let i = 0; i < count && !stopped(); i++) {
        try {
          await once();
        } catch (error) {
          breach(tally, 'REST request failed (connection)', String(error));
        }
      }
    },
  };
}

/** The socket mutations, for REST bodies (the id/action/type ones fall on top-level fields of the body). */
function restMutation() {
  return fc.oneof(
    fc.record({ op: fc.constant(/** @type {const} */ ('delete')), pick: fc.nat() }),
    fc.record({ op: fc.constant(/** @type {const} */ ('set')), pick: fc.nat(), value: restEvil() }),
    fc.record({
      op: fc.constant(/** @type {const} */ ('inject')),
      pick: fc.nat(),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      s: fc.constantFrom('\u0000', '\ud800', '\udfff', '😀'),
    }),
  );
}

let evil = /** @type {fc.Arbitrary<unknown> | undefined} */ (undefined);
function restEvil() {
  evil ??= fc.oneof(
    fc.constantFrom(null, true, 0, -1, '', [], {}, 2 ** 53, 1e308, '\u0000', 'a\u0000b', '\ud800', 'NaN'),
    fc.constantFrom(16, 1000, 3000, 5000, 10_000).map((d) => `\u0001DEEP:${d}:[`),
    fc.constantFrom(16, 1000, 5000, 10_000).map((d) => `\u0001DEEP:${d}:{`),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.jsonValue({ maxDepth: 3 }),
  );
  return evil;
}
