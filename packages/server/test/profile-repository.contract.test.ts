/**
 * Repository contract for profiles and group ownership, on a real SQLite file and real PostgreSQL:
 * ProfileRepository (name and avatar), ConversationRepository's ownership hand-over (leaving owner →
 * longest-standing member; the last member → no owner; transfer only to a member) and
 * FileRepository's avatar rules (readable by anyone, never unattached while it is an avatar).
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('profile and ownership repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  const group = (ownerId: string, memberIds: string[]) =>
    store.conversations.createConversation({ kind: 'group', title: 'g', ownerId, directKey: null, memberIds: [ownerId, ...memberIds] });
  const roles = async (id: string) => Object.fromEntries((await store.conversations.listMembers(id)).map((m) => [m.userId, m.role]));

  it('updates a name, an avatar or both, and leaves absent fields alone', async () => {
    const ann = await newUser('ann');
    expect(await store.profiles.updateProfile(ann.id, { name: 'Ann Lee' })).toEqual({ id: ann.id, name: 'Ann Lee', avatar: null });
    expect(await store.profiles.updateProfile(ann.id, { avatar: 'f-1' })).toEqual({ id: ann.id, name: 'Ann Lee', avatar: 'f-1' });
    expect(await store.profiles.updateProfile(ann.id, {})).toEqual({ id: ann.id, name: 'Ann Lee', avatar: 'f-1' });
    expect(await store.profiles.updateProfile(ann.id, { name: '安', avatar: null })).toEqual({ id: ann.id, name: '安', avatar: null });
    expect(await store.profiles.updateProfile('nobody', { name: 'x' })).toBeUndefined();
    expect((await store.accounts.findUserById(ann.id))?.name).toBe('安');
  });

  it('passes ownership to the longest-standing member when the owner leaves, and to nobody when the last one does', async () => {
    const [owner, first, later] = [await newUser(), await newUser(), await newUser()];
    const id = await group(owner.id, [first.id]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later joined_at (ms clock)
    await store.conversations.addMembers(id, [later.id]);
    // Removing a plain member moves nothing.
    expect(await store.conversations.removeMemberPassingOwnership(id, later.id)).toEqual({ removed: true });
    await store.conversations.addMembers(id, [later.id]);
    expect(await store.conversations.removeMemberPassingOwnership(id, owner.id)).toEqual({ removed: true, newOwnerId: first.id });
    expect((await store.conversations.header(id))?.ownerId).toBe(first.id);
    expect(await roles(id)).toEqual({ [first.id]: 'owner', [later.id]: 'member' });
    expect(await store.conversations.removeMemberPassingOwnership(id, owner.id)).toEqual({ removed: false });
    expect(await store.conversations.removeMember(id, first.id)).toBe(true);
    expect(await roles(id)).toEqual({ [later.id]: 'owner' });
    expect(await store.conversations.removeMemberPassingOwnership(id, later.id)).toEqual({ removed: true, newOwnerId: null });
    expect(await store.conversations.header(id)).toEqual({ kind: 'group', ownerId: null });
    expect(await store.conversations.memberIds(id)).toEqual([]);
  });

  it('members who joined together: the lowest id inherits, the same on every database', async () => {
    const [owner, x, y] = [await newUser(), await newUser(), await newUser()];
    const id = await group(owner.id, [x.id, y.id]);
    const { newOwnerId } = await store.conversations.removeMemberPassingOwnership(id, owner.id);
    expect(newOwnerId).toBe([x.id, y.id].sort()[0]);
  });

  it('transfers ownership only to a member, keeping exactly one owner', async () => {
    const [owner, member, outsider] = [await newUser(), await newUser(), await newUser()];
    const id = await group(owner.id, [member.id]);
    expect(await store.conversations.transferOwnership(id, outsider.id)).toBe(false);
    expect(await store.conversations.transferOwnership('no-such', member.id)).toBe(false);
    expect(await roles(id)).toEqual({ [owner.id]: 'owner', [member.id]: 'member' });
    expect(await store.conversations.transferOwnership(id, member.id)).toBe(true);
    expect(await roles(id)).toEqual({ [owner.id]: 'member', [member.id]: 'owner' });
    expect((await store.conversations.getConversation(id, owner.id))?.ownerId).toBe(member.id);
  });

  it("an avatar file is readable by anyone and never unattached while it is someone's avatar", async () => {
    const [ann, bob] = [await newUser(), await newUser()];
    const newFile = (name: string) =>
      store.files.insertFile({
        uploaderId: ann.id,
        name,
        mimeType: 'image/png',
        size: 10,
        kind: 'image',
        width: 256,
        height: 256,
        storageKey: `k-${name}-${Math.random()}`,
      });
    const [avatar, plain] = [await newFile('a.png'), await newFile('b.png')];
    await store.profiles.updateProfile(ann.id, { avatar: avatar.id });
    expect(await store.files.canReadFile(avatar.id, bob.id)).toBe(true);
    expect(await store.files.canReadFile(plain.id, bob.id)).toBe(false);
    expect(await store.files.isAttached(avatar.id)).toBe(true);
    const unattached = (await store.files.unattachedFilesBefore(Date.now() + 1000, 1000)).map((f) => f.id);
    expect(unattached).toContain(plain.id);
    expect(unattached).not.toContain(avatar.id);
    expect(await store.files.deleteUnattachedFile(avatar.id)).toBeUndefined();
    // Cleared: an ordinary unattached upload again.
    await store.profiles.updateProfile(ann.id, { avatar: null });
    expect(await store.files.canReadFile(avatar.id, bob.id)).toBe(false);
    expect((await store.files.deleteUnattachedFile(avatar.id))?.id).toBe(avatar.id);
  });
});
