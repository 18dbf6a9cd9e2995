/**
 * GET /conversations for a user in 5,000 groups, over real HTTP on SQLite and PostgreSQL (issue 22:
 * at ~1,000 groups the unpaginated list once answered 500). The groups are written straight into
 * the store in one transaction for speed; the list is read only through the API, page by page: every
 * page answers 200, holds at most `limit`, comes fast, and together the pages hold every group
 * exactly once, most recent activity first (ties by id). Also: a bad cursor or limit is a 400 naming it.
 */
import { randomUUID } from 'node:crypto';
import { type AuthResponse, CONVERSATION_PAGE_DEFAULT, CONVERSATION_PAGE_MAX } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const GROUPS = 5_000;
/** A generous bound for one page on a loaded 2-core CI machine (a page takes milliseconds). */
const PAGE_MS = 1_000;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`conversation pages on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let victim: AuthResponse;
    /** The groups in the order the list must return them. */
    let expected: string[];

    beforeAll(async () => {
      server = await startTestServer({ database });
      api = new ApiClient(server.url);
      await api.register('Root');
      const owner = await api.register('Spammer');
      victim = await api.register('Victim');
      const rows = Array.from({ length: GROUPS }, (_, i) => ({
        id: randomUUID(),
        // Pairs share an activity time, so ties (broken by id) cross page boundaries too.
        at: 1_700_000_000_000 + Math.floor(i / 2) * 1_000,
      }));
      await server.server.database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1_000) {
          const chunk = rows.slice(i, i + 1_000);
          await trx
            .insertInto('conversations')
            .values(
              chunk.map((r) => ({
                id: r.id,
                kind: 'group',
                title: `spam ${r.id}`,
                owner_id: owner.user.id,
                direct_key: null,
                created_at: r.at,
                updated_at: r.at,
              })),
            )
            .execute();
          await trx
            .insertInto('conversation_members')
            .values(
              chunk.flatMap((r) => [
                { conversation_id: r.id, user_id: owner.user.id, role: 'owner' as const, joined_at: r.at },
                { conversation_id: r.id, user_id: victim.user.id, role: 'member' as const, joined_at: r.at },
              ]),
            )
            .execute();
        }
      });
      const byId = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
      expected = [...rows].sort((a, b) => b.at - a.at || byId(a.id, b.id)).map((r) => r.id);
    }, 60_000);
    afterAll(async () => {
      await server?.destroy();
    });

    /** Every page through the API, timing each. */
    async function allPages(limit?: number): Promise<{ ids: string[]; sizes: number[]; slowestMs: number }> {
      const ids: string[] = [];
      const sizes: number[] = [];
      let slowestMs = 0;
      let cursor: string | undefined;
      for (let page = 0; page <= GROUPS; page++) {
        const started = performance.now();
        const query = new URLSearchParams({ ...(cursor ? { cursor } : {}), ...(limit ? { limit: String(limit) } : {}) });
        const response = await api.request<{ conversations: { id: string }[]; nextCursor: string | null }>(
          'GET',
          `/api/v1/conversations?${query}`,
          { token: victim.accessToken },
        );
        slowestMs = Math.max(slowestMs, performance.now() - started);
        expect(response.status).toBe(200);
        ids.push(...response.body.conversations.map((c) => c.id));
        sizes.push(response.body.conversations.length);
        if (response.body.nextCursor === null) return { ids, sizes, slowestMs };
        cursor = response.body.nextCursor;
      }
      throw new Error('the list never ended');
    }

    it('lists all 5,000 groups page by page, each page bounded and fast, each group once, most recent first', async () => {
      const { ids, sizes, slowestMs } = await allPages(CONVERSATION_PAGE_MAX);
      expect(ids.length).toBe(GROUPS);
      expect(new Set(ids).size).toBe(GROUPS);
      expect(ids).toEqual(expected);
      expect(sizes.length).toBe(GROUPS / CONVERSATION_PAGE_MAX);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(CONVERSATION_PAGE_MAX);
      expect(slowestMs).toBeLessThan(PAGE_MS);
    }, 60_000);

    it('pages by the default size when no limit is given', async () => {
      const first = await api.rest.conversations.list({ token: victim.accessToken });
      expect(first.conversations.map((c) => c.id)).toEqual(expected.slice(0, CONVERSATION_PAGE_DEFAULT));
      expect(first.conversations[0]?.members).toHaveLength(2);
      const second = await api.rest.conversations.list({ query: { cursor: first.nextCursor ?? '' }, token: victim.accessToken });
      expect(second.conversations.map((c) => c.id)).toEqual(expected.slice(CONVERSATION_PAGE_DEFAULT, 2 * CONVERSATION_PAGE_DEFAULT));
    });

    it('answers 400 naming the cursor or limit when they are not valid, and keeps serving', async () => {
      const get = (query: string) =>
        api.request<{ error: { code: string; message: string } }>('GET', `/api/v1/conversations?${query}`, { token: victim.accessToken });
      for (const cursor of ['nope', 'YzEu', Buffer.from('c1.12.').toString('base64url'), 'x'.repeat(300), '%00']) {
        const response = await get(`cursor=${cursor}`);
        expect(response.status, cursor).toBe(400);
        expect(response.body.error.code).toBe('bad_request');
        expect(JSON.stringify(response.body.error)).toContain('cursor');
      }
      for (const limit of ['0', '101', 'many']) {
        const response = await get(`limit=${limit}`);
        expect(response.status, limit).toBe(400);
        expect(JSON.stringify(response.body.error)).toContain('limit');
      }
      expect((await get('limit=1')).status).toBe(200);
    });
  });
}
