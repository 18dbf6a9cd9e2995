/**
 * SearchRepository contract, on a real SQLite file and real PostgreSQL: every word must occur
 * (Latin and Chinese, short and long, any case), edited text is found by its new words only,
 * deleted messages and other people's conversations never show, filters narrow, and following
 * `next` visits every hit once, newest first (the short-word window included).
 */
import { ErrorCode, HeraldError, type Message } from '@herald/protocol';
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { UserRecord } from '../src/auth/account-repository.js';
import type { SearchCriteria, SearchRepository } from '../src/search/search-repository.js';
import { searchRepositoryFor } from '../src/search/search-repository-for.js';
import { migrateTo, migrateToLatest } from '../src/store/migrations.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('search repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  let search: SearchRepository;
  /** A window of 3 messages: short-word queries page through several windows even in small tests. */
  let narrow: SearchRepository;
  let n = 0;

  beforeAll(() => {
    store = repositories();
    search = searchRepositoryFor(store.database);
    narrow = searchRepositoryFor(store.database, 3);
  });

  async function group(owner: UserRecord, ...others: UserRecord[]): Promise<string> {
    return store.conversations.createConversation({
      kind: 'group',
      title: 'g',
      ownerId: owner.id,
      directKey: null,
      memberIds: [owner.id, ...others.map((u) => u.id)],
    });
  }

  async function send(conversationId: string, sender: UserRecord, ...texts: string[]): Promise<Message[]> {
    const results = await store.messages.appendMessages(
      texts.map((text) => ({
        conversationId,
        senderId: sender.id,
        clientId: `s${++n}`,
        type: 'text' as const,
        text,
        replyTo: null,
        attachment: null,
      })),
    );
    return results.map((r) => r.message);
  }

  const texts = async (criteria: Partial<SearchCriteria> & Pick<SearchCriteria, 'userId' | 'words'>, repo = search) =>
    (await repo.search({ limit: 50, ...criteria })).messages.map((m) => m.text);

  /** Every hit, following `next` to the end; checks each page's size. */
  async function everyPage(repo: SearchRepository, criteria: Omit<SearchCriteria, 'after'>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await repo.search({ ...criteria, after });
      expect(page.messages.length).toBeLessThanOrEqual(criteria.limit);
      ids.push(...page.messages.map((m) => m.id));
      after = page.next ?? undefined;
      pages++;
      expect(pages).toBeLessThan(200);
    } while (after !== undefined);
    return { ids, pages };
  }

  it('finds Latin and Chinese words of any length, case-insensitively, every word required', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const id = await group(a, b);
    await send(
      id,
      a,
      'Lunch at the CAFÉ tomorrow?',
      '我们明天去北京开会',
      '北京很冷',
      'ok',
      'Meeting in 上海 at noon',
      'lunch in 北京 then',
      'an AB test',
    );
    const at = (...words: string[]) => texts({ userId: b.id, words });
    expect(await at('lunch')).toEqual(['lunch in 北京 then', 'Lunch at the CAFÉ tomorrow?']);
    expect(await at('LUNCH')).toEqual(['lunch in 北京 then', 'Lunch at the CAFÉ tomorrow?']);
    expect(await at('café')).toEqual(['Lunch at the CAFÉ tomorrow?']);
    expect(await at('北京')).toEqual(['lunch in 北京 then', '北京很冷', '我们明天去北京开会']);
    expect(await at('北京开会')).toEqual(['我们明天去北京开会']);
    expect(await at('明天去北京')).toEqual(['我们明天去北京开会']);
    expect(await at('lunch', '北京')).toEqual(['lunch in 北京 then']);
    expect(await at('上海', 'NOON')).toEqual(['Meeting in 上海 at noon']);
    expect(await at('ab')).toEqual(['an AB test']);
    expect(await at('Ok')).toEqual(['ok']);
    expect(await at('noon', 'lunch')).toEqual([]);
    expect(await at('北京', '上海')).toEqual([]);
  });

  it('matches LIKE and GLOB characters literally', async () => {
    const [a] = [await newUser()];
    const id = await group(a);
    await send(id, a, 'up 100% today', 'up 1000 today', 'a_c done', 'abc done', 'see [x] here', 'see x here', '*?', 'ab');
    const at = (...words: string[]) => texts({ userId: a.id, words });
    expect(await at('100%')).toEqual(['up 100% today']);
    expect(await at('a_c')).toEqual(['a_c done']);
    expect(await at('[x]')).toEqual(['see [x] here']);
    expect(await at('*?')).toEqual(['*?']);
    expect(await at('%')).toEqual(['up 100% today']);
  });

  it('finds edited text by its new words only, and never a deleted message', async () => {
    const [a] = [await newUser()];
    const id = await group(a);
    const [edited, deleted, hidden] = await send(id, a, 'original walrus wording', 'secret platypus plans', 'quiet platypus note');
    const db = store.database.db;
    await sql`update messages set text = ${'revised narwhal wording'}, edited_at = ${Date.now()} where id = ${edited?.id}`.execute(db);
    await sql`update messages set text = '', deleted_at = ${Date.now()} where id = ${deleted?.id}`.execute(db);
    // Marked deleted with its text still there: still never found.
    await sql`update messages set deleted_at = ${Date.now()} where id = ${hidden?.id}`.execute(db);
    expect(await texts({ userId: a.id, words: ['walrus'] })).toEqual([]);
    expect(await texts({ userId: a.id, words: ['narwhal'] })).toEqual(['revised narwhal wording']);
    expect(await texts({ userId: a.id, words: ['wording'] })).toEqual(['revised narwhal wording']);
    expect(await texts({ userId: a.id, words: ['platypus'] })).toEqual([]);
    expect(await texts({ userId: a.id, words: ['pl'] }, narrow)).toEqual([]);
    // Removed rows leave the index too (retention deletes them).
    await sql`delete from messages where id = ${edited?.id}`.execute(db);
    expect(await texts({ userId: a.id, words: ['narwhal'] })).toEqual([]);
  });

  it("answers only from the searcher's conversations, as membership is now", async () => {
    const [a, b, outsider] = [await newUser(), await newUser(), await newUser()];
    const mine = await group(a, b);
    const theirs = await group(outsider);
    await send(mine, a, 'zebra crossing', '斑马线');
    await send(theirs, outsider, 'zebra stripes', '斑马很多');
    expect(await texts({ userId: a.id, words: ['zebra'] })).toEqual(['zebra crossing']);
    expect(await texts({ userId: a.id, words: ['斑马'] })).toEqual(['斑马线']);
    expect(await texts({ userId: outsider.id, words: ['zebra'] })).toEqual(['zebra stripes']);
    // A conversation filter cannot reach past membership.
    expect(await texts({ userId: a.id, words: ['zebra'], conversationId: theirs })).toEqual([]);
    expect(await store.conversations.removeMember(mine, b.id)).toBe(true);
    expect(await texts({ userId: b.id, words: ['zebra'] })).toEqual([]);
    expect(await texts({ userId: b.id, words: ['斑马'] })).toEqual([]);
  });

  it('narrows by conversation, sender and time', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const one = await group(a, b);
    const two = await group(a, b);
    const [first] = await send(one, a, 'koala one');
    await send(one, b, 'koala two');
    const [third] = await send(two, a, 'koala three');
    const words = ['koala'];
    expect(await texts({ userId: a.id, words, conversationId: two })).toEqual(['koala three']);
    expect(await texts({ userId: a.id, words, senderId: b.id })).toEqual(['koala two']);
    expect(await texts({ userId: a.id, words: ['ko'], senderId: a.id })).toEqual(['koala three', 'koala one']);
    const db = store.database.db;
    await sql`update messages set created_at = 1000 where id = ${first?.id}`.execute(db);
    await sql`update messages set created_at = 3000 where id = ${third?.id}`.execute(db);
    expect(await texts({ userId: a.id, words, from: 1000, to: 3000, conversationId: one, senderId: a.id })).toEqual(['koala one']);
    expect(await texts({ userId: a.id, words, from: 1001, to: 3001, senderId: a.id })).toEqual(['koala three']);
    expect(await texts({ userId: a.id, words: ['ko'], to: 3000 })).toEqual(['koala one']);
  });

  it('pages newest first with no repeats and no gaps, long and short queries alike', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const one = await group(a, b);
    const two = await group(a, b);
    const expected: string[] = [];
    for (let i = 0; i < 23; i++) {
      const [hit] = await send(i % 2 === 0 ? one : two, i % 3 === 0 ? b : a, `gecko ${i} 蜥蜴`);
      await send(i % 2 === 0 ? two : one, a, `filler ${i}`);
      if (hit) expected.unshift(hit.id);
    }
    for (const repo of [search, narrow]) {
      for (const words of [['gecko'], ['蜥蜴'], ['GECKO', '蜥蜴']]) {
        const { ids } = await everyPage(repo, { userId: a.id, words, limit: 4 });
        expect(ids).toEqual(expected);
      }
    }
    // The short-word window: pages of at most 3 messages read, so several come back short or empty.
    const short = await everyPage(narrow, { userId: a.id, words: ['蜥蜴'], limit: 4 });
    expect(short.pages).toBeGreaterThan(Math.ceil(23 / 4));
    const long = await everyPage(search, { userId: a.id, words: ['gecko'], limit: 5 });
    expect(long.pages).toBe(5);
  });

  it('refuses a position it never gave with bad_request naming the cursor', async () => {
    const [a] = [await newUser()];
    for (const after of ['not a position!', 'x'.repeat(300), "1'; drop table messages; --"]) {
      for (const words of [['long word'], ['ab']]) {
        const error = await search.search({ userId: a.id, words, after, limit: 5 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HeraldError);
        expect(error).toMatchObject({ code: ErrorCode.BadRequest, details: [{ path: 'cursor' }] });
      }
    }
  });

  // Last: it takes this database back to before migration 0009 and forward again.
  it('indexes the messages already stored when migration 0009 runs', async () => {
    const [a] = [await newUser()];
    const id = await group(a);
    const db = store.database.db as unknown as Kysely<unknown>;
    const schema =
      store.database.dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
        : undefined;
    await send(id, a, 'before the index: ocelot');
    expect(await migrateTo(db, '0008_message_changes', schema)).toContain('0009_message_search');
    await send(id, a, 'written with no index: ocelot 山猫');
    expect(await migrateToLatest(db, schema)).toContain('0009_message_search');
    await send(id, a, 'after it: ocelot');
    expect(await texts({ userId: a.id, words: ['OCELOT'] })).toEqual([
      'after it: ocelot',
      'written with no index: ocelot 山猫',
      'before the index: ocelot',
    ]);
    expect(await texts({ userId: a.id, words: ['山猫', 'ocelot'] })).toEqual(['written with no index: ocelot 山猫']);
  });
});
