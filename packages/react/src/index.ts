/**
 * @herald/react: React bindings for the Herald client SDK. HeraldProvider holds the app's one
 * HeraldClient; page policies decide which pages hold the connection; hooks are thin
 * `useSyncExternalStore` wrappers over framework-free stores (`./core`), so Strict Mode's double
 * mount never opens a second socket or registers a handler twice.
 */

export {
  ConnectionStatus,
  type ConnectionStatusLabels,
  type ConnectionStatusProps,
  DEFAULT_CONNECTION_STATUS_LABELS,
} from './ConnectionStatus.js';
export type { ClientPort } from './core/client-port.js';
export { type ConversationMessage, type ConversationSnapshot, ConversationStore, conversationStoreFor } from './core/conversation-store.js';
export { ExternalStore } from './core/external-store.js';
export { type NotificationSnapshot, NotificationStore, notificationStoreFor } from './core/notification-store.js';
export { type PresenceMap, PresenceStore, presenceStoreFor } from './core/presence-store.js';
export {
  type ConnectionType,
  DEFAULT_POLICIES,
  DISABLED_POLICY,
  type RoutePolicies,
  type RoutePolicy,
  resolvePolicy,
  wantsConnection,
} from './core/route-policies.js';
export { type Session, SessionStore, sessionStoreFor } from './core/session-store.js';
export { TypingStore, typingStoreFor } from './core/typing-store.js';
export {
  buildErrorReport,
  type ErrorFallbackProps,
  type ErrorReport,
  HeraldErrorBoundary,
  type HeraldErrorBoundaryProps,
} from './HeraldErrorBoundary.js';
export { HeraldProvider, type HeraldProviderProps } from './HeraldProvider.js';
export { useConnectionStatus } from './useConnectionStatus.js';
export { type UseConversation, useConversation } from './useConversation.js';
export { useHandler } from './useHandler.js';
export { useHeraldClient } from './useHeraldClient.js';
export { type UseNotifications, useNotifications } from './useNotifications.js';
export { type PageConnection, usePageConnection } from './usePageConnection.js';
export { usePresence } from './usePresence.js';
export { useSession } from './useSession.js';
export { type UseTyping, useTyping } from './useTyping.js';
