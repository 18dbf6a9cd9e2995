/**
 * @herald/react: React bindings for the Herald client SDK. HeraldProvider holds the app's one
 * HeraldClient; page policies decide which pages hold the connection; hooks are thin
 * `useSyncExternalStore` wrappers (`useExternalStore`) over the framework-free stores of
 * `@herald/client/state`, so Strict Mode's double mount never opens a second socket or registers a
 * handler twice.
 */

// The framework-free stores these hooks wrap live in @herald/client/state; re-exported so an app
// needs one import (as @tanstack/react-query re-exports query-core).
export {
  type ClientPort,
  type ConnectionType,
  type ConversationMessage,
  type ConversationSnapshot,
  ConversationStore,
  conversationStoreFor,
  DEFAULT_POLICIES,
  DISABLED_POLICY,
  ExternalStore,
  type MentionMember,
  type MentionOptions,
  type MentionSuggestion,
  MessageSearch,
  mentionSuggestions,
  type NotificationSnapshot,
  NotificationStore,
  notificationStoreFor,
  type PresenceMap,
  PresenceStore,
  presenceStoreFor,
  type RoutePolicies,
  type RoutePolicy,
  resolvePolicy,
  type SearchQuery,
  type SearchSnapshot,
  type Session,
  SessionStore,
  sessionStoreFor,
  TypingStore,
  typingStoreFor,
  wantsConnection,
} from '@herald/client/state';
export {
  ConnectionStatus,
  type ConnectionStatusLabels,
  type ConnectionStatusProps,
  DEFAULT_CONNECTION_STATUS_LABELS,
} from './ConnectionStatus.js';
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
export { useMentionSuggestions } from './useMentionSuggestions.js';
export { type UseMessageSearch, useMessageSearch } from './useMessageSearch.js';
export { type UseNotifications, useNotifications } from './useNotifications.js';
export { useOnlineCount } from './useOnlineCount.js';
export { type PageConnection, usePageConnection } from './usePageConnection.js';
export { usePresence } from './usePresence.js';
export { useSession } from './useSession.js';
export { type UseTyping, useTyping } from './useTyping.js';
