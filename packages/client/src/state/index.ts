/**
 * @herald/client/state: framework-free UI state over a HeraldClient, for any binding (`@herald/react`
 * today; a Vue or Svelte binding would wrap the same stores). Each store is an ExternalStore (a
 * Subscribable with a stable snapshot) that starts work on its first listener; the `…StoreFor`
 * functions give the one shared store per client (and conversation, or set of users). Route
 * policies say which pages hold the connection.
 * A separate entry point, not part of `@herald/client`'s index, so apps that only use the SDK (bots,
 * servers, the size budget in test/size.test.ts) do not carry the UI stores.
 */

export type { ClientPort } from './client-port.js';
export {
  applyConversationListEvent,
  CONVERSATION_LIST_ACTIONS,
  type ConversationListEvent,
  type ListChange,
} from './conversation-list.js';
export {
  type ConversationMessage,
  type ConversationSnapshot,
  ConversationStore,
  type ConversationStoreOptions,
  conversationStoreFor,
} from './conversation-store.js';
export { ExternalStore } from './external-store.js';
export { type MentionMember, type MentionOptions, type MentionSuggestion, mentionSuggestions } from './mention-suggestions.js';
export { applyChange, replyPreviewOf, revisionOf, tombstone, withText, withToggledReaction } from './message-changes.js';
export { MessageSearch, type SearchQuery, type SearchSnapshot } from './message-search.js';
export { type NotificationSnapshot, NotificationStore, notificationStoreFor } from './notification-store.js';
export { ONLINE_COUNT_REFRESH_MS, type OnlineCount, OnlineCountStore, onlineCountStoreFor } from './online-count.js';
export { PresenceInterest, presenceInterestOf } from './presence-interest.js';
export { type PresenceMap, PresenceStore, presenceStoreFor } from './presence-store.js';
export {
  type ConnectionType,
  DEFAULT_POLICIES,
  DISABLED_POLICY,
  type RoutePolicies,
  type RoutePolicy,
  resolvePolicy,
  wantsConnection,
} from './route-policies.js';
export { type Session, SessionStore, sessionStoreFor } from './session-store.js';
export { TypingStore, type TypingStoreOptions, typingStoreFor } from './typing-store.js';
