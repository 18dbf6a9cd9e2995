import type { OutboxRecord } from '@herald/client';
import { describe, expect, it } from 'vitest';
import { mergeOutbox } from './outbox-messages';
import type { ConversationMessage } from './types';

function local(localId: string, state: ConversationMessage['state'], text = localId): ConversationMessage {
  return {
    id: localId,
    clientId: localId,
    conversationId: 'c1',
    seq: 0,
    senderId: 'me',
    type: 'text',
    text,
    replyTo: null,
    attachment: null,
    createdAt: 1,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    groupMention: null,
    reactions: [],
    replyPreview: null,
    localId,
    state,
    pending: false,
  };
}

function record(id: string, state: OutboxRecord['state'], conversationId = 'c1', text = id): OutboxRecord {
  return {
    id,
    frame: { id, type: 'text', action: 'send_message', data: { conversationId, text }, timestamp: 5 },
    queuedAt: 5,
    state,
    ...(state === 'failed' ? { error: { code: 'forbidden', message: 'blocked', retryable: false } } : {}),
  } as OutboxRecord;
}

const context = { conversationId: 'c1', userId: 'me', connected: false, discarded: new Set<string>() };

describe('mergeOutbox', () => {
  it('offers Retry only when it could work: a refusal that may be lifted, or a message the outbox never held', () => {
    const tooBig = {
      ...record('t', 'failed'),
      error: { code: 'not_found', message: 'conversation gone', retryable: false },
    } as OutboxRecord;
    const view = mergeOutbox([local('a', 'failed'), local('b', 'failed'), local('t', 'failed')], [record('a', 'failed'), tooBig], context);
    expect(view.failures.get('a')).toEqual({ code: 'forbidden', message: 'blocked', retryable: true });
    expect(view.failures.get('b')?.retryable).toBe(true);
    expect(view.failures.get('t')).toEqual({ code: 'not_found', message: 'conversation gone', retryable: false });
  });

  it('shows a failed message the outbox is sending again as sending', () => {
    const view = mergeOutbox([local('a', 'failed')], [record('a', 'queued')], { ...context, connected: true });
    expect(view.messages.map((m) => [m.state, m.pending])).toEqual([['sending', false]]);
    expect(view.failures.size).toBe(0);
  });

  it('shows what the outbox restored after a reload (queued as pending, failed with its text), once', () => {
    const view = mergeOutbox(
      [local('a', 'sending')],
      [record('a', 'queued'), record('q', 'queued'), record('f', 'failed', 'c1', 'kept text'), record('x', 'queued', 'c2')],
      context,
    );
    expect(view.messages.map((m) => [m.localId, m.state, m.pending])).toEqual([
      ['a', 'sending', false],
      ['q', 'sending', true],
      ['f', 'failed', false],
    ]);
    expect(view.messages[2]?.text).toBe('kept text');
    expect(view.failures.get('f')?.code).toBe('forbidden');
  });

  it('hides discarded messages but never a sent one', () => {
    const sent = { ...local('s', 'sent'), seq: 3 };
    const view = mergeOutbox([sent, local('a', 'failed')], [record('a', 'failed')], { ...context, discarded: new Set(['a', 's']) });
    expect(view.messages.map((m) => m.localId)).toEqual(['s']);
    expect(view.failures.size).toBe(0);
  });
});
