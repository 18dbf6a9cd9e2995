/**
 * FileRepository contract: what is stored of an upload comes back as stored, and a file is readable
 * by its uploader and by members of a conversation where a message carries it, nobody else.
 * Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('file repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('stores an upload and lets exactly the uploader and the members it was shared with read it', async () => {
    const [uploader, member, outsider] = [await newUser(), await newUser(), await newUser()];
    const file = await store.files.insertFile({
      uploaderId: uploader.id,
      name: 'photo.png',
      mimeType: 'image/png',
      size: 1234,
      kind: 'image',
      width: 640,
      height: 480,
      storageKey: 'ab/cd',
    });
    expect(file).toMatchObject({ uploaderId: uploader.id, name: 'photo.png', size: 1234, kind: 'image', width: 640, storageKey: 'ab/cd' });
    expect(await store.files.findFile(file.id)).toEqual(file);
    expect(await store.files.findFile('no-such-file')).toBeUndefined();
    expect(await store.files.canReadFile(file.id, uploader.id)).toBe(true);
    expect(await store.files.canReadFile(file.id, member.id)).toBe(false);

    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'f',
      ownerId: uploader.id,
      directKey: null,
      memberIds: [uploader.id, member.id],
    });
    await store.messages.appendMessage({
      conversationId: id,
      senderId: uploader.id,
      clientId: 'with-file',
      type: 'image',
      text: '',
      replyTo: null,
      attachment: { fileId: file.id, name: 'photo.png' },
    });
    expect(await store.files.canReadFile(file.id, member.id)).toBe(true);
    expect(await store.files.canReadFile(file.id, outsider.id)).toBe(false);
    expect(await store.files.canReadFile('no-such-file', uploader.id)).toBe(false);
  });

  const newFile = (uploaderId: string, size: number, name = 'f.txt') => ({
    uploaderId,
    name,
    mimeType: 'text/plain',
    size,
    kind: 'document' as const,
    width: null,
    height: null,
    storageKey: `key-${name}`,
  });

  it("sums each user's stored bytes and never lets concurrent inserts pass the quota", async () => {
    const [owner, other] = [await newUser(), await newUser()];
    expect(await store.files.usedBytes(owner.id)).toBe(0);
    await store.files.insertFile(newFile(other.id, 500));
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => store.files.insertFileWithinQuota(newFile(owner.id, 30, `${n}.txt`), 100)),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(3);
    expect(await store.files.usedBytes(owner.id)).toBe(90);
    expect(await store.files.insertFileWithinQuota(newFile(owner.id, 10), 100)).toMatchObject({ size: 10, uploaderId: owner.id });
    expect(await store.files.insertFileWithinQuota(newFile(owner.id, 1), 100)).toBeUndefined();
    expect(await store.files.usedBytes(owner.id)).toBe(100);
    expect(await store.files.usedBytes(other.id)).toBe(500);
  });

  it('deletes an unattached file once, never an attached one, and lists unattached files by age', async () => {
    const owner = await newUser();
    const loose = await store.files.insertFile(newFile(owner.id, 10, 'loose.txt'));
    const carried = await store.files.insertFile(newFile(owner.id, 20, 'carried.txt'));
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'g',
      ownerId: owner.id,
      directKey: null,
      memberIds: [owner.id],
    });
    await store.messages.appendMessage({
      conversationId: id,
      senderId: owner.id,
      clientId: `carry-${carried.id}`,
      type: 'file',
      text: '',
      replyTo: null,
      attachment: { fileId: carried.id, name: 'carried.txt' },
    });
    expect(await store.files.isAttached(carried.id)).toBe(true);
    expect(await store.files.isAttached(loose.id)).toBe(false);

    const later = Date.now() + 60_000;
    const candidates = (await store.files.unattachedFilesBefore(later, 1000)).map((f) => f.id);
    expect(candidates).toContain(loose.id);
    expect(candidates).not.toContain(carried.id);
    expect(await store.files.unattachedFilesBefore(loose.createdAt, 1000)).not.toContainEqual(expect.objectContaining({ id: loose.id }));

    expect(await store.files.deleteUnattachedFile(carried.id)).toBeUndefined();
    const [first, second] = await Promise.all([store.files.deleteUnattachedFile(loose.id), store.files.deleteUnattachedFile(loose.id)]);
    expect([first, second].filter((r) => r !== undefined)).toEqual([
      expect.objectContaining({ id: loose.id, storageKey: 'key-loose.txt' }),
    ]);
    expect(await store.files.findFile(loose.id)).toBeUndefined();
    expect(await store.files.findFile(carried.id)).toBeDefined();
    expect(await store.files.usedBytes(owner.id)).toBe(20);
  });
});
