import { describe, expect, it } from 'vitest';
import { lightboxImages, stepIndex } from './lightbox-images';
import type { ConversationMessage } from './types';

function message(seq: number, type: string, fileId: string | null, deleted = false): ConversationMessage {
  return {
    id: `m${seq}`,
    seq,
    type,
    senderId: 'u1',
    createdAt: seq,
    deletedAt: deleted ? seq : null,
    attachment: fileId ? { fileId, name: `${fileId}.png` } : null,
  } as unknown as ConversationMessage;
}

describe('lightboxImages', () => {
  it('keeps the image attachments in order, without deleted ones, files or duplicates', () => {
    const images = lightboxImages([
      message(1, 'image', 'a'),
      message(2, 'text', null),
      message(3, 'file', 'doc'),
      message(4, 'image', 'b', true),
      message(5, 'image', 'c'),
      message(6, 'image', 'c'),
    ]);
    expect(images.map((image) => image.fileId)).toEqual(['a', 'c']);
    expect(images[0]?.name).toBe('a.png');
  });

  it('steps within the list and stops at the ends', () => {
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(stepIndex(0, 1, 0)).toBe(0);
  });
});
