/**
 * Message search end to end, over a real socket and REST on SQLite and PostgreSQL: the same page
 * on both faces, highlights into the snippet, hits only from conversations the searcher is in (also
 * just after being removed from a group), `bad_request` naming the field for bad input, and the
 * per-user rate limit `search_user`.
 */
import type { AuthResponse, SearchResult } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`search on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_SEARCH_PER_MINUTE: '1000', HERALD_RATE_BURST: '200' } });
      api = new ApiClient(server.url);
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server.destroy();
    });

    async function connect(auth: AuthResponse): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    }

    const searchOverSocket = (socket: TestSocket, data: Record<string, unknown>) =>
      socket.request({ action: 'search', type: 'control', data } as never) as Promise<SearchResult>;

    const searchOverRest = (auth: AuthResponse, query: Record<string, string | number>) =>
      api.request<SearchResult & { error?: { code: string; details?: unknown } }>(
        'GET',
        `/api/v1/search?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
        { token: auth.accessToken },
      );

    it('answers the same page on the socket and over REST, with highlighted snippets and a cursor', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const id = await api.conversation(alice.accessToken, { kind: 'group', title: 'trip', memberIds: [bob.user.id] });
      await api.sendText(alice.accessToken, id, '我们明天去北京开会');
      await api.sendText(bob.accessToken, id, 'Beijing trip: 北京 is cold, bring a coat');
      await api.sendText(alice.accessToken, id, 'nothing to see');
      const socket = await connect(bob);
      const overSocket = await searchOverSocket(socket, { query: '北京', limit: 1 });
      const overRest = await searchOverRest(bob, { query: '北京', limit: 1 });
      expect(overRest.status).toBe(200);
      expect(overRest.body).toEqual(overSocket);
      const [hit] = overSocket.hits;
      expect(hit?.conversationId).toBe(id);
      expect(hit?.message).toMatchObject({ conversationId: id, senderId: bob.user.id, text: 'Beijing trip: 北京 is cold, bring a coat' });
      const marked = hit?.snippet.highlights.map((h) => hit.snippet.text.slice(h.start, h.end));
      expect(marked).toEqual(['北京']);
      expect(overSocket.nextCursor).toEqual(expect.any(String));
      const second = await searchOverSocket(socket, { query: '北京', limit: 1, cursor: overSocket.nextCursor });
      expect(second.hits.map((h) => h.message.text)).toEqual(['我们明天去北京开会']);
      const restSecond = await searchOverRest(bob, { query: '北京', limit: 1, cursor: overSocket.nextCursor ?? '' });
      expect(restSecond.body.hits.map((h) => h.message.text)).toEqual(['我们明天去北京开会']);
      // Case and several words.
      const both = await searchOverSocket(socket, { query: '  BEIJING   coat ' });
      expect(both.hits.map((h) => h.message.text)).toEqual(['Beijing trip: 北京 is cold, bring a coat']);
      expect(both.nextCursor).toBeNull();
    });

    it('never shows hits from a conversation the searcher is not in, also right after they leave', async () => {
      const [owner, member, stranger] = [await api.register('Owner'), await api.register('Member'), await api.register('Stranger')];
      const id = await api.conversation(owner.accessToken, { kind: 'group', title: 'secret', memberIds: [member.user.id] });
      await api.sendText(owner.accessToken, id, 'the launch codeword is pelican 鹈鹕');
      const strangerSocket = await connect(stranger);
      for (const query of ['pelican', '鹈鹕', 'codeword pelican']) {
        expect((await searchOverSocket(strangerSocket, { query })).hits).toEqual([]);
        expect((await searchOverRest(stranger, { query })).body.hits).toEqual([]);
      }
      // Naming the conversation is refused, as every read of it is.
      await expect(searchOverSocket(strangerSocket, { query: 'pelican', conversationId: id })).rejects.toMatchObject({
        data: { code: 'forbidden' },
      });
      expect((await searchOverRest(stranger, { query: 'pelican', conversationId: id })).status).toBe(403);

      const memberSocket = await connect(member);
      expect((await searchOverSocket(memberSocket, { query: 'pelican', conversationId: id })).hits).toHaveLength(1);
      await api.rest.conversations.removeMember({ params: { id, userId: member.user.id }, token: owner.accessToken });
      expect((await searchOverSocket(memberSocket, { query: 'pelican' })).hits).toEqual([]);
      expect((await searchOverSocket(memberSocket, { query: '鹈鹕' })).hits).toEqual([]);
      expect((await searchOverRest(member, { query: 'pelican' })).body.hits).toEqual([]);
      await expect(searchOverSocket(memberSocket, { query: 'pelican', conversationId: id })).rejects.toMatchObject({
        data: { code: 'forbidden' },
      });
    });

    it('refuses bad input with bad_request naming the field', async () => {
      const user = await api.register('Picky');
      const cases: [Record<string, string | number>, string][] = [
        [{ query: 'a' }, 'query'],
        [{ query: 'x'.repeat(201) }, 'query'],
        [{ query: 'fine', limit: 0 }, 'limit'],
        [{ query: 'fine', limit: 51 }, 'limit'],
        [{ query: 'fine', from: 'yesterday' }, 'from'],
        [{ query: 'fine', cursor: 'not-a-cursor' }, 'cursor'],
        [{ query: 'fine', cursor: Buffer.from('{"p":"../etc"}').toString('base64url') }, 'cursor'],
      ];
      for (const [query, field] of cases) {
        const { status, body } = await searchOverRest(user, query);
        expect(status, JSON.stringify(query)).toBe(400);
        expect(body.error?.code).toBe('bad_request');
        expect(JSON.stringify(body.error?.details)).toContain(field);
      }
      const socket = await connect(user);
      // The socket: schema failures are invalid_frame naming the field; a bad cursor is bad_request.
      await expect(searchOverSocket(socket, { query: 'a' })).rejects.toMatchObject({ data: { code: 'invalid_frame' } });
      const refusal = await searchOverSocket(socket, { query: 'fine', cursor: 'nope!' }).catch((error: { data: unknown }) => error.data);
      expect(refusal).toMatchObject({ code: 'bad_request', details: [{ path: 'cursor' }] });
    });
  });
}

describe('search rate limit', () => {
  let server: TestServer;
  let api: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({ env: { HERALD_SEARCH_PER_MINUTE: '3' } });
    api = new ApiClient(server.url);
  });
  afterAll(() => server.destroy());

  it('answers rate_limited (search_user) past the per-user budget, on both faces, and leaves other users alone', async () => {
    const [eager, calm] = [await api.register('Eager'), await api.register('Calm')];
    const get = (auth: AuthResponse) =>
      api.request<{ error?: { code: string; details?: { limit?: string } } }>('GET', '/api/v1/search?query=hello', {
        token: auth.accessToken,
      });
    for (let i = 0; i < 3; i++) expect((await get(eager)).status).toBe(200);
    const refused = await get(eager);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'search_user' } });
    const socket = await TestSocket.connect(server.wsUrl, eager.accessToken);
    try {
      await expect(socket.request({ action: 'search', type: 'control', data: { query: 'hello' } } as never)).rejects.toMatchObject({
        data: { code: 'rate_limited', details: { limit: 'search_user' } },
      });
    } finally {
      socket.ws.terminate();
    }
    expect((await get(calm)).status).toBe(200);
  });
});
