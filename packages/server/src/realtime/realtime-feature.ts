/**
 * The real-time state feature: typing indicators (`typing_status`), read receipts (`mark_read`,
 * `POST /conversations/:id/read`) and the presence REST query. Presence itself is core
 * (presence/presence-service.ts, `presence_query` in presence/presence-actions.ts); this adds its HTTP face.
 */
import { DELIVERY_CONFIRM_INTERVAL_MS, TYPING_TTL_MS } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { ConversationRepository } from '../conversations/conversation-repository.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import type { Authenticator } from '../http/bearer.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { UserDirectory } from '../users/user-directory.js';
import type { DeliveryPositionRepository } from './delivery-position-repository.js';
import { DeliveryReceipts } from './delivery-receipts.js';
import type { ReadPositionRepository } from './read-position-repository.js';
import { ReadReceipts } from './read-receipts.js';
import { realtimeRoutes } from './realtime-routes.js';
import { TypingRelay } from './typing-relay.js';

/** Least time between two relayed `isTyping: true` of one user in one conversation. */
export const TYPING_THROTTLE_MS = 1_000;

export interface RealtimeFeatureDeps {
  bus: Bus;
  conversations: ConversationService;
  members: Pick<ConversationRepository, 'listMembers'>;
  readPositions: ReadPositionRepository;
  deliveredPositions: DeliveryPositionRepository;
  users: UserDirectory;
  presence: PresenceService;
  authenticate: Authenticator;
  log: Logger;
}

export function realtimeFeature(deps: RealtimeFeatureDeps): Feature {
  const { bus, conversations, members, readPositions, deliveredPositions, users, log, authenticate, presence } = deps;
  const typing = new TypingRelay(
    { bus, conversations, users, log },
    { ttlMs: TYPING_TTL_MS, throttleMs: TYPING_THROTTLE_MS, sweepMs: 250 },
  );
  const receipts = new ReadReceipts({ members, readPositions, bus, conversations });
  const deliveries = new DeliveryReceipts({ deliveredPositions, bus, conversations, log }, DELIVERY_CONFIRM_INTERVAL_MS);
  return {
    name: 'realtime',
    routes: (app) => realtimeRoutes(app, { authenticate, receipts, presence }),
    frames: {
      // An event, not a request: no ack; a refusal (e.g. not a member) comes back as an error frame.
      typing_status: handlerFor('typing_status', (connection, frame, userId) =>
        // In this connection's order: a start's block check must not let the stop sent after it overtake it.
        connection.inOrder(async () => {
          const { conversationId, isTyping } = frame.data;
          const members = await conversations.assertMember(conversationId, userId, 'typing');
          // A block closes a direct conversation: no "typing…" into it either (stopping is always fine).
          if (isTyping) await conversations.assertDirectOpen(conversationId, userId, members);
          typing.update(conversationId, userId, connection.id, isTyping);
        }),
      ),
      mark_read: handlerFor('mark_read', async (connection, frame, userId) => {
        const result = await receipts.markRead(userId, frame.data.conversationId, frame.data.seq);
        ack(connection, frame, result);
      }),
      mark_delivered: handlerFor('mark_delivered', async (connection, frame, userId) => {
        ack(connection, frame, await deliveries.markDelivered(userId, frame.data.conversationId, frame.data.seq));
      }),
    },
    disconnected: (connection) => typing.dropConnection(connection.id),
    async close() {
      typing.close();
      await Promise.all([typing.drain(), deliveries.close()]);
    },
  };
}
