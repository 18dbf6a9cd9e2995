/**
 * MessageRepository contract: the same suite on every database and every append implementation —
 * the Kysely path alone and the dialect's fast path (which falls back to it) — so no path can rot
 * unseen. Real SQLite file, real PostgreSQL in its own schema.
 * (Just over 300 lines: six scenarios, one of them two nodes racing batches, kept in one suite so
 * every append path runs every one.)
 */
import type { DatabaseHandle } from '@herald/server';
import { databaseBackends, type TestDatabase } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyAccountRepository } from '../src/auth/account-repository.js';
import { KyselyConversationRepository } from '../src/conversations/conversation-repository.js';
import { KyselyMessageRepository, type NewMessage } from '../src/messages/message-repository.js';

/** A text message whose text is its client id. */
const msg = (conversationId: string, senderId: string, clientId: string): NewMessage => ({
  conversationId,
  senderId,
  clientId,
  type: 'text',
  text: clientId,
  replyTo: null,
  attachment: null,
});

const APPENDS = ['Kysely path', 'fast path'] as const;

for (const backend of await databaseBackends()) {
  for (const append of APPENDS) {
    describe.skipIf(!backend.enabled)(`message repository contract: ${backend.name}, ${append}`, () => {
      /** The repositories this suite needs, with messages appended through `append` only. */
      const open = (database: DatabaseHandle) => ({
        accounts: new KyselyAccountRepository(database.db),
        conversations: new KyselyConversationRepository(database.db),
        messages: new KyselyMessageRepository(database.db, append === 'fast path' ? database.fastMessageAppend : undefined),
        close: () => database.close(),
      });
      let test: TestDatabase;
      let store: ReturnType<typeof open>;
      const another = async () => open(await test.another());
      let n = 0;
      const newUser = (name = `user${++n}`) =>
        store.accounts.createUser({ email: `${name}-${n}@example.test`, name, passwordHash: 'x', role: 'user' });

      beforeAll(async () => {
        test = await backend.open();
        store = open(test.database);
      });
      afterAll(async () => {
        await store?.close();
        await test?.cleanup();
      });

      it('assigns gapless seqs under 20 concurrent writers', async () => {
        const users = await Promise.all(Array.from({ length: 20 }, () => newUser()));
        const id = await store.conversations.createConversation({
          kind: 'group',
          title: 'busy',
          ownerId: users[0]!.id,
          directKey: null,
          memberIds: users.map((u) => u.id),
        });
        const results = await Promise.all(
          users.flatMap((u) =>
            [0, 1, 2].map((i) =>
              store.messages.appendMessage({
                conversationId: id,
                senderId: u.id,
                clientId: `c-${i}`,
                type: 'text',
                text: `${u.name} ${i}`,
                replyTo: null,
                attachment: null,
              }),
            ),
          ),
        );
        const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
        expect(results.every((r) => !r.duplicate)).toBe(true);
        const conversation = await store.conversations.getConversation(id, users[0]!.id);
        expect(conversation?.lastSeq).toBe(60);
      });

      it('returns the original message for a repeated client id, even when raced', async () => {
        const [a, b] = [await newUser(), await newUser()];
        const id = await store.conversations.createConversation({
          kind: 'direct',
          title: null,
          ownerId: null,
          directKey: `${a.id}:${b.id}`,
          memberIds: [a.id, b.id],
        });
        const send = () =>
          store.messages.appendMessage({
            conversationId: id,
            senderId: a.id,
            clientId: 'same',
            type: 'text',
            text: 'once',
            replyTo: null,
            attachment: null,
          });
        const results = await Promise.all([send(), send(), send()]);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        const again = await send();
        expect(again).toMatchObject({ duplicate: true, message: { seq: 1, text: 'once' } });
        expect((await store.messages.history(id, { limit: 10 })).messages).toHaveLength(1);
        expect(await store.conversations.findConversationIdByDirectKey(`${a.id}:${b.id}`)).toBe(id);
        await expect(
          store.conversations.createConversation({
            kind: 'direct',
            title: null,
            ownerId: null,
            directKey: `${a.id}:${b.id}`,
            memberIds: [a.id, b.id],
          }),
        ).rejects.toThrow();
      });

      it('gives messages ids that sort in the order they were stored (index inserts at the right edge)', async () => {
        const [a, b] = [await newUser(), await newUser()];
        const c = await store.conversations.createConversation({
          kind: 'group',
          title: 'ids',
          ownerId: a.id,
          directKey: null,
          memberIds: [a.id, b.id],
        });
        const ids: string[] = [];
        for (let i = 0; i < 10; i++)
          ids.push((await store.messages.appendMessage(msg(c, i % 2 ? a.id : b.id, `id-order-${i}`))).message.id);
        const batch = await store.messages.appendMessages(Array.from({ length: 10 }, (_, i) => msg(c, a.id, `id-order-batch-${i}`)));
        ids.push(...batch.map((r) => r.message.id));
        expect(new Set(ids).size).toBe(20);
        expect([...ids].sort()).toEqual(ids);
      });

      it('appends a batch in one go: consecutive seqs per conversation, repeats resolved, all or nothing', async () => {
        const [a, b] = [await newUser(), await newUser()];
        const c1 = await store.conversations.createConversation({
          kind: 'group',
          title: 'b1',
          ownerId: a.id,
          directKey: null,
          memberIds: [a.id, b.id],
        });
        const c2 = await store.conversations.createConversation({
          kind: 'group',
          title: 'b2',
          ownerId: a.id,
          directKey: null,
          memberIds: [a.id, b.id],
        });
        await store.messages.appendMessage(msg(c1, a.id, 'before'));
        const results = await store.messages.appendMessages([
          msg(c1, a.id, 'x1'),
          msg(c2, b.id, 'y1'),
          msg(c1, b.id, 'x2'),
          msg(c1, a.id, 'x1'), // repeat inside the batch
          msg(c1, a.id, 'before'), // repeat of a stored one, between two new ones of its conversation
          msg(c1, b.id, 'x3'),
          msg(c2, a.id, 'y2'),
        ]);
        expect(results.map((r) => [r.message.conversationId === c1 ? 'c1' : 'c2', r.message.seq, r.duplicate])).toEqual([
          ['c1', 2, false],
          ['c2', 1, false],
          ['c1', 3, false],
          ['c1', 2, true],
          ['c1', 1, true],
          ['c1', 4, false],
          ['c2', 2, false],
        ]);
        expect(results.map((r) => r.message.clientId)).toEqual(['x1', 'y1', 'x2', 'x1', 'before', 'x3', 'y2']);
        expect(results[3]?.message.id).toBe(results[0]?.message.id);
        expect((await store.messages.history(c1, { limit: 10 })).messages.map((m) => [m.seq, m.clientId, m.id])).toEqual([
          [1, 'before', results[4]?.message.id],
          [2, 'x1', results[0]?.message.id],
          [3, 'x2', results[2]?.message.id],
          [4, 'x3', results[5]?.message.id],
        ]);
        expect((await store.conversations.getConversation(c1, a.id))?.lastSeq).toBe(4);
        expect((await store.conversations.getConversation(c1, a.id))?.unreadCount).toBe(2); // b's x2 and x3
        // Each sender has read up to their own last new message of the batch, per conversation.
        const readSeqs = async (id: string) =>
          Object.fromEntries((await store.conversations.listMembers(id)).map((m) => [m.userId, m.lastReadSeq]));
        expect(await readSeqs(c1)).toEqual({ [a.id]: 2, [b.id]: 4 });
        expect(await readSeqs(c2)).toEqual({ [a.id]: 2, [b.id]: 1 });
        // Nothing but repeats: nothing written, every original back.
        const again = await store.messages.appendMessages([msg(c2, a.id, 'y2'), msg(c1, b.id, 'x2'), msg(c2, a.id, 'y2')]);
        expect(again.map((r) => [r.message.id, r.duplicate])).toEqual([
          [results[6]?.message.id, true],
          [results[2]?.message.id, true],
          [results[6]?.message.id, true],
        ]);
        expect((await store.conversations.getConversation(c1, a.id))?.lastSeq).toBe(4);
        // A batch naming a missing conversation stores nothing at all.
        await expect(store.messages.appendMessages([msg(c2, a.id, 'z1'), msg('no-such-conversation', a.id, 'z2')])).rejects.toThrow();
        expect((await store.messages.history(c2, { limit: 10 })).messages.map((m) => m.clientId)).toEqual(['y1', 'y2']);
        expect((await store.conversations.getConversation(c2, a.id))?.lastSeq).toBe(2);
      });

      // Two handles on one SQLite file in one thread cannot both run Kysely transactions: the one waiting
      // for the write lock blocks the thread (busy_timeout) while the holder awaits its next statement.
      // A second SQLite node is a second process; the fast path writes a batch in one synchronous call.
      const oneThreadDeadlocks = backend.name === 'sqlite' && append === 'Kysely path';
      it.skipIf(oneThreadDeadlocks)(
        'keeps seqs gapless and each message stored once with two stores appending batches to the same conversations',
        async () => {
          const second = await another();
          try {
            const users = await Promise.all(Array.from({ length: 4 }, () => newUser()));
            const ids = await Promise.all(
              [0, 1, 2].map((i) =>
                store.conversations.createConversation({
                  kind: 'group',
                  title: `race${i}`,
                  ownerId: users[0]!.id,
                  directKey: null,
                  memberIds: users.map((u) => u.id),
                }),
              ),
            );
            const stores = [store, second];
            const rounds = 8;
            // Batch j of each store names the conversations in a different order (batches that locked them
            // in the order named would deadlock), and both stores' batch j carry the same two messages
            // `shared-j-*`: exactly one of them may store those, the other gets the originals back.
            const batch = (s: number, j: number) => {
              const order = [0, 1, 2].map((i) => ids[(s === 0 ? i + j : 2 - i + j) % 3]!);
              const own = users[s]!.id;
              return [
                msg(order[0]!, own, `s${s}-${j}-0`),
                msg(order[1]!, own, `s${s}-${j}-1`),
                msg(ids[j % 3]!, users[3]!.id, `shared-${j}-a`),
                msg(order[2]!, users[2]!.id, `s${s}-${j}-2`),
                msg(order[0]!, own, `s${s}-${j}-3`),
                msg(ids[(j + 1) % 3]!, users[3]!.id, `shared-${j}-b`),
              ];
            };
            const [batches, singles] = await Promise.all([
              Promise.all(
                stores.map((s, i) => Promise.all(Array.from({ length: rounds }, (_, j) => s.messages.appendMessages(batch(i, j))))),
              ),
              Promise.all(
                stores.map((s, i) =>
                  Promise.all(
                    Array.from({ length: 6 }, (_, j) => s.messages.appendMessage(msg(ids[j % 3]!, users[i]!.id, `single-${i}-${j}`))),
                  ),
                ),
              ),
            ]);
            const all = [...batches.flat(2), ...singles.flat()];
            const stored = (await Promise.all(ids.map((id) => store.messages.history(id, { limit: 500 })))).map((h) => h.messages);
            for (const [i, messages] of stored.entries()) {
              expect(messages.map((m) => m.seq)).toEqual(messages.map((_, k) => k + 1));
              expect((await second.conversations.getConversation(ids[i]!, users[0]!.id))?.lastSeq).toBe(messages.length);
            }
            const byId = new Map(stored.flat().map((m) => [m.id, m]));
            // 2 stores x rounds x 4 own messages, 2 shared per round, 2 x 6 singles.
            expect(byId.size).toBe(2 * rounds * 4 + 2 * rounds + 12);
            expect(new Set(stored.flat().map((m) => `${m.senderId}/${m.clientId}`)).size).toBe(byId.size);
            for (const result of all) expect(byId.get(result.message.id)).toEqual(result.message);
            for (let j = 0; j < rounds; j++) {
              for (const position of [2, 5]) {
                const pair = [batches[0]![j]![position]!, batches[1]![j]![position]!] as const;
                expect(pair[0].message.id).toBe(pair[1].message.id);
                expect(pair.filter((r) => !r.duplicate)).toHaveLength(1);
              }
            }
            expect(all.filter((r) => !r.duplicate)).toHaveLength(byId.size);
          } finally {
            await second.close();
          }
        },
      );

      it('pages history both ways, oldest-first', async () => {
        const a = await newUser();
        const id = await store.conversations.createConversation({
          kind: 'group',
          title: 't',
          ownerId: a.id,
          directKey: null,
          memberIds: [a.id],
        });
        for (let i = 1; i <= 25; i++) {
          await store.messages.appendMessage({
            conversationId: id,
            senderId: a.id,
            clientId: `h${i}`,
            type: 'text',
            text: `m${i}`,
            replyTo: null,
            attachment: null,
          });
        }
        const latest = await store.messages.history(id, { limit: 10 });
        expect(latest.messages.map((m) => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
        expect(latest.hasMore).toBe(true);
        const older = await store.messages.history(id, { before: 16, limit: 10 });
        expect(older.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
        const oldest = await store.messages.history(id, { before: 6, limit: 10 });
        expect(oldest).toMatchObject({ hasMore: false });
        expect(oldest.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
        const forward = await store.messages.history(id, { after: 20, limit: 10 });
        expect(forward.messages.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25]);
        expect(forward.hasMore).toBe(false);
        const window = await store.messages.history(id, { after: 3, before: 7, limit: 10 });
        expect(window.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
      });
    });
  }
}
