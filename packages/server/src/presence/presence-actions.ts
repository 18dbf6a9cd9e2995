/**
 * Presence's socket actions. `presence_query`: the same answer as `GET /api/v1/presence`
 * (realtime/realtime-routes.ts), from this node's view of the cluster. `presence_subscribe` /
 * `presence_unsubscribe`: watch users' presence (the ack carries their current state, changes come
 * as `presence_batch`). `conversation_presence`: how many members of a conversation are online, what
 * a large group shows instead of a dot per member. Presence answers and watches cover only the asker
 * and users who share a conversation with them (others are left out, checked when asked).
 */
import { type ActionHandlers, handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import type { PresenceService } from './presence-service.js';

export interface PresenceActionsDeps {
  presence: Pick<PresenceService, 'visibleTo' | 'visibleIds' | 'get' | 'onlineAmong'> & {
    watchers: Pick<PresenceService['watchers'], 'watch' | 'unwatch'>;
  };
  /** Member ids of a conversation, after checking `userId` is one (throws `forbidden`). */
  assertMember(conversationId: string, userId: string, what: string): Promise<ReadonlySet<string>>;
}

export function presenceActions({ presence, assertMember }: PresenceActionsDeps): ActionHandlers {
  return {
    presence_query: handlerFor('presence_query', async (connection, frame, userId) => {
      ack(connection, frame, { presence: await presence.visibleTo(userId, frame.data.userIds) });
    }),
    presence_subscribe: handlerFor('presence_subscribe', async (connection, frame, userId) => {
      const visible = await presence.visibleIds(userId, frame.data.userIds);
      // Closed meanwhile: its watches were already dropped, and must not come back.
      if (connection.state !== 'ready') return;
      // Watch first, then read: a change after this read is in the next batch, never lost between.
      presence.watchers.watch(connection, visible);
      ack(connection, frame, { presence: presence.get(visible) });
    }),
    presence_unsubscribe: handlerFor('presence_unsubscribe', async (connection, frame) => {
      ack(connection, frame, { watching: presence.watchers.unwatch(connection, frame.data.userIds) });
    }),
    conversation_presence: handlerFor('conversation_presence', async (connection, frame, userId) => {
      const { conversationId } = frame.data;
      const members = await assertMember(conversationId, userId, 'see who is online');
      ack(connection, frame, { conversationId, members: members.size, online: presence.onlineAmong(members) });
    }),
  };
}
