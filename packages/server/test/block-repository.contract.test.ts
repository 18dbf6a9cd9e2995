/**
 * BlockRepository contract: blocking is idempotent (and keeps the first time), unblocking what is
 * not blocked changes nothing, lists are newest first, and a user's relations are read both ways.
 * Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('block repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('blocks once, lists the blocked newest first as summaries, and unblocks once', async () => {
    const [alice, bob, carol] = [await newUser('alice'), await newUser('bob'), await newUser('carol')];
    expect(await store.blocks.block(alice.id, bob.id, 1000)).toBe(true);
    expect(await store.blocks.block(alice.id, bob.id, 5000)).toBe(false); // already blocked: nothing changes
    expect(await store.blocks.block(alice.id, carol.id, 2000)).toBe(true);
    expect(await store.blocks.listBlocked(alice.id)).toEqual([
      { id: carol.id, name: 'carol', avatar: null },
      { id: bob.id, name: 'bob', avatar: null },
    ]);
    expect(await store.blocks.listBlocked(bob.id)).toEqual([]);

    expect(await store.blocks.unblock(alice.id, bob.id)).toBe(true);
    expect(await store.blocks.unblock(alice.id, bob.id)).toBe(false);
    expect(await store.blocks.unblock(bob.id, alice.id)).toBe(false); // a block has a direction
    expect(await store.blocks.listBlocked(alice.id)).toEqual([{ id: carol.id, name: 'carol', avatar: null }]);
  });

  it('reads a user’s blocks both ways', async () => {
    const [alice, bob, carol, dave] = [await newUser(), await newUser(), await newUser(), await newUser()];
    await store.blocks.block(alice.id, bob.id, 1);
    await store.blocks.block(carol.id, alice.id, 2);
    await store.blocks.block(bob.id, dave.id, 3); // not about alice
    const relations = await store.blocks.relationsOf(alice.id);
    expect(relations).toEqual({ blocked: [bob.id], blockedBy: [carol.id] });
    expect(await store.blocks.relationsOf(dave.id)).toEqual({ blocked: [], blockedBy: [bob.id] });
    expect(await store.blocks.relationsOf((await newUser()).id)).toEqual({ blocked: [], blockedBy: [] });
  });
});
