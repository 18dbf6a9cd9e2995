import { describe, expect, it } from 'vitest';
import { ClientFrameSchema, HistoryRequestSchema } from './client-frames.js';
import { isReactionEmoji } from './message-changes.js';
import { MessageSchema } from './models.js';

describe('message changes on the wire', () => {
  it('a reaction is exactly one RGI emoji', () => {
    for (const ok of ['👍', '👍🏽', '❤️', '🇨🇳', '👨‍👩‍👧', '1️⃣', '🫠']) expect(isReactionEmoji(ok), ok).toBe(true);
    for (const bad of ['', 'a', ':+1:', '👍👍', '<b>', '👍 ', '\u200d', '1']) expect(isReactionEmoji(bad), bad).toBe(false);
  });

  it('edit_message needs non-blank text; react takes remove=false by default', () => {
    const base = { id: 'f1', type: 'control', timestamp: 1 };
    expect(
      ClientFrameSchema.safeParse({ ...base, action: 'edit_message', data: { conversationId: 'c', messageId: 'm', text: ' \n ' } }).success,
    ).toBe(false);
    const react = ClientFrameSchema.parse({ ...base, action: 'react', data: { conversationId: 'c', messageId: 'm', emoji: '🎉' } });
    expect(react.data).toMatchObject({ remove: false });
  });

  it('history takes around alone, never with before or after', () => {
    expect(HistoryRequestSchema.safeParse({ conversationId: 'c', around: 5 }).success).toBe(true);
    expect(HistoryRequestSchema.safeParse({ conversationId: 'c', around: 5, before: 9 }).success).toBe(false);
  });

  it('a message from a server that predates changes still parses, with the state fields at their defaults', () => {
    const old = {
      id: 'm',
      clientId: 'c',
      conversationId: 'k',
      seq: 1,
      senderId: 'u',
      type: 'text',
      text: 'hi',
      replyTo: null,
      attachment: null,
      createdAt: 1,
    };
    expect(MessageSchema.parse(old)).toMatchObject({
      editedAt: null,
      deletedAt: null,
      mentions: [],
      groupMention: null,
      reactions: [],
      replyPreview: null,
    });
  });
});
