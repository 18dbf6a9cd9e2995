/** scopeRefusal: each kind needs its scope, and senders and conversations stay inside the key's limits. */
import type { PublishBody } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { type ScopedKey, scopeRefusal } from './api-key-scope.js';

const message = (senderId: string, conversationId: string): PublishBody => ({
  kind: 'message',
  senderId,
  conversationId,
  type: 'text',
  text: 'hi',
});
const notification = (audience: Extract<PublishBody, { kind: 'notification' }>['audience']): PublishBody => ({
  kind: 'notification',
  level: 'info',
  title: 't',
  message: '',
  audience,
});
const conversationEvent = (conversationId: string): PublishBody => ({ kind: 'event', conversationId, event: 'e', payload: null });
const userEvent: PublishBody = { kind: 'event', target: { userId: 'u1' }, event: 'e', payload: null };

const key = (over: Partial<ScopedKey>): ScopedKey => ({ scopes: [], conversationIds: null, senderIds: null, ...over });

describe('scopeRefusal', () => {
  it('refuses each kind without its scope, naming the scope', () => {
    const none = key({ scopes: ['events'] });
    expect(scopeRefusal(none, message('u1', 'c1'))).toMatch(/"messages" scope/);
    expect(scopeRefusal(none, notification({ kind: 'all' }))).toMatch(/"notifications" scope/);
    expect(scopeRefusal(key({ scopes: ['messages'], senderIds: ['*'] }), userEvent)).toMatch(/"events" scope/);
  });

  it('lets a message through only as a named sender (or any with "*")', () => {
    const bot = key({ scopes: ['messages'], senderIds: ['bot'] });
    expect(scopeRefusal(bot, message('bot', 'c1'))).toBeUndefined();
    expect(scopeRefusal(bot, message('alice', 'c1'))).toMatch(/may not post as user alice/);
    expect(scopeRefusal(key({ scopes: ['messages'], senderIds: null }), message('bot', 'c1'))).toMatch(/may not post as/);
    expect(scopeRefusal(key({ scopes: ['messages'], senderIds: ['*'] }), message('alice', 'c1'))).toBeUndefined();
  });

  it('keeps a key with a conversation list inside it', () => {
    const limited = key({ scopes: ['messages', 'notifications', 'events'], senderIds: ['*'], conversationIds: ['c1'] });
    expect(scopeRefusal(limited, message('a', 'c1'))).toBeUndefined();
    expect(scopeRefusal(limited, message('a', 'c2'))).toMatch(/conversation c2/);
    expect(scopeRefusal(limited, conversationEvent('c1'))).toBeUndefined();
    expect(scopeRefusal(limited, conversationEvent('c2'))).toMatch(/conversation c2/);
    expect(scopeRefusal(limited, userEvent)).toMatch(/may not push events to a user/);
    expect(scopeRefusal(limited, notification({ kind: 'conversation', conversationId: 'c1' }))).toBeUndefined();
    expect(scopeRefusal(limited, notification({ kind: 'conversation', conversationId: 'c2' }))).toMatch(/conversation c2/);
    expect(scopeRefusal(limited, notification({ kind: 'all' }))).toMatch(/audience "all"/);

    const open = key({ scopes: ['notifications', 'events'] });
    expect(scopeRefusal(open, userEvent)).toBeUndefined();
    expect(scopeRefusal(open, notification({ kind: 'all' }))).toBeUndefined();
  });
});
