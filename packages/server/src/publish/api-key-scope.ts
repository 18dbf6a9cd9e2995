/**
 * What a scoped API key may publish: the per-request check of `POST /api/v1/publish` against the
 * key's scopes and limits. Pure, so every rule is stated once here.
 * Rules: a `message` needs scope `messages`, a sender the key names (or `*`), and — when the key
 * lists conversations — one of them; a `notification` needs `notifications` and, when the key lists
 * conversations, a conversation audience among them; an `event` needs `events` and, when the key
 * lists conversations, a conversation among them (a user-targeted event only from a key without a
 * conversation list, since it reaches a user wherever they are).
 */
import type { ApiKeyScope, PublishBody } from '@herald/protocol';
import type { ApiKeyRecord } from './api-key-repository.js';

export type ScopedKey = Pick<ApiKeyRecord, 'scopes' | 'conversationIds' | 'senderIds'>;

const SCOPE_OF: Record<PublishBody['kind'], ApiKeyScope> = { message: 'messages', notification: 'notifications', event: 'events' };

/** Why `key` may not publish `body` (a sentence naming what is missing), or undefined if it may. */
export function scopeRefusal(key: ScopedKey, body: PublishBody): string | undefined {
  const scope = SCOPE_OF[body.kind];
  if (!key.scopes.includes(scope)) return `this API key lacks the "${scope}" scope`;
  const conversations = key.conversationIds;
  const conversationRefusal = (conversationId: string) =>
    conversations && !conversations.includes(conversationId) ? `this API key may not reach conversation ${conversationId}` : undefined;
  switch (body.kind) {
    case 'message': {
      const senders = key.senderIds ?? [];
      if (!senders.includes('*') && !senders.includes(body.senderId)) return `this API key may not post as user ${body.senderId}`;
      return conversationRefusal(body.conversationId);
    }
    case 'notification': {
      if (!conversations) return undefined;
      if (body.audience.kind !== 'conversation') {
        return `this API key is limited to conversations and may not notify audience "${body.audience.kind}"`;
      }
      return conversationRefusal(body.audience.conversationId);
    }
    case 'event': {
      if (body.conversationId !== undefined) return conversationRefusal(body.conversationId);
      return conversations ? 'this API key is limited to conversations and may not push events to a user' : undefined;
    }
  }
}
