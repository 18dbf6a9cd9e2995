/**
 * ClientPort: the part of HeraldClient the stores use. Stores take this instead of the class, so
 * their unit tests drive them with a small fake and no socket.
 */
import type { HeraldClient } from '../herald-client.js';

export type ClientPort = Pick<
  HeraldClient,
  | 'on'
  | 'subscribe'
  | 'getState'
  | 'request'
  | 'sendMessage'
  | 'retryMessage'
  | 'pendingMessages'
  | 'subscribeConversation'
  | 'editMessage'
  | 'deleteMessage'
  | 'react'
>;
