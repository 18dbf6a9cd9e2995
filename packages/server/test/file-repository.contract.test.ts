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
});
