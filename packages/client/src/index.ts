/**
 * @herald/client: the framework-agnostic Herald client SDK (browsers and Node).
 * `createClient(options)` gives a HeraldClient; everything else here is types, defaults and
 * pluggable pieces (outbox stores, environment sources).
 */

export { HeraldError } from '@herald/protocol';
export { type BackoffPolicy, backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { sendTypingStatus } from './client-events.js';
export type { CredentialProvider, CredentialReason, ErrorContext, ErrorSource, HeraldClientOptions } from './client-options.js';
export type { ConnectionSharing, SharingRole } from './connection-sharing.js';
export { type ConnectionState, type ConnectionStatus, canTransition, INITIAL_STATE, TRANSITIONS } from './connection-state.js';
export { DEFAULT_DISPATCH, type DispatchQueueOptions } from './dispatch-queue.js';
export {
  type CloseEventLike,
  defaultFocusSource,
  defaultOnlineSource,
  defaultVisibilitySource,
  type Environment,
  type FocusSource,
  type MessageEventLike,
  type OnlineSource,
  systemTimers,
  type TimerHandle,
  type Timers,
  type VisibilitySource,
  type WebSocketConstructor,
  type WebSocketLike,
} from './environment.js';
export type { MessageContent, OutgoingMessageType, RequestInput } from './frames.js';
export type { AnyFrameHandler, FrameHandler } from './handler-registry.js';
export { createClient, HeraldClient, type RequestOptions } from './herald-client.js';
export {
  defaultOutboxStore,
  type IdbFactory,
  IndexedDbOutboxStore,
  type IndexedDbOutboxStoreOptions,
} from './indexeddb-outbox-store.js';
export { isTransientFailure } from './outbox.js';
export {
  FallbackOutboxStore,
  MemoryOutboxStore,
  type OutboxFailure,
  type OutboxFrame,
  type OutboxRecord,
  type OutboxState,
  type OutboxStore,
} from './outbox-store.js';
export { reconnectLimit } from './reconnect-limit.js';
export type { RateLimits } from './send-pacer.js';
export { type Listener, Subscribable } from './subscribable.js';
export type { SubscribeResult } from './subscriptions.js';
export { waitForState } from './wait-for-state.js';
