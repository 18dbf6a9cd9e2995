/**
 * Store: the persistence interface every server feature goes through.
 * Invariants every implementation keeps (the contract suite in store.contract.ts checks them):
 * - `appendMessage` assigns `seq = last_seq + 1` in the same transaction as the insert, so seqs
 *   are strictly increasing with no gaps, even with concurrent writers on several nodes;
 * - `(senderId, clientId)` is unique: appending the same pair again returns the original message
 *   with `duplicate: true` and changes nothing;
 * - a member's `lastReadSeq` never moves backwards.
 */
import type { Attachment, Conversation, ConversationKind, Member, Message, MessageType, User } from '@herald/protocol';
import type { FeatureRecords } from './feature-records.js';

export interface UserRecord extends User {
  passwordHash: string;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: string;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  expiresAt: number;
  revokedAt: number | null;
}

export interface NewConversation {
  kind: ConversationKind;
  title: string | null;
  ownerId: string | null;
  /** Set for direct conversations: `lowId:highId`. */
  directKey: string | null;
  memberIds: string[];
}

export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientId: string;
  type: MessageType;
  text: string;
  replyTo: string | null;
  attachment: Attachment | null;
}

export interface AppendResult {
  message: Message;
  /** True when `(senderId, clientId)` already existed and `message` is the original. */
  duplicate: boolean;
}

export interface HistoryQuery {
  /** Exclusive upper bound: the newest `limit` messages with seq < before. */
  before?: number | undefined;
  /** Exclusive lower bound: the oldest `limit` messages with seq > after. Neither bound: the latest page. */
  after?: number | undefined;
  limit: number;
}

export interface Store extends FeatureRecords {
  /** Which dialect backs this store, for health output and logs. */
  readonly dialect: 'sqlite' | 'postgres';

  createUser(user: NewUser): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  findUsersByIds(ids: readonly string[]): Promise<User[]>;
  searchUsers(query: string, limit: number): Promise<User[]>;
  countUsers(): Promise<number>;
  setUserRole(id: string, role: string): Promise<User | undefined>;

  insertRefreshToken(token: { id: string; userId: string; tokenHash: string; expiresAt: number }): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Revoke one token; resolves true only for the call that revoked it (so a token rotates once). */
  revokeRefreshToken(id: string): Promise<boolean>;
  revokeUserRefreshTokens(userId: string): Promise<void>;

  createConversation(conversation: NewConversation): Promise<string>;
  findConversationIdByDirectKey(directKey: string): Promise<string | undefined>;
  /** The conversation as `viewerId` sees it, or undefined when it does not exist. */
  getConversation(id: string, viewerId: string): Promise<Conversation | undefined>;
  listConversations(userId: string): Promise<Conversation[]>;
  listMembers(conversationId: string): Promise<Member[]>;
  memberIds(conversationId: string): Promise<string[]>;
  addMembers(conversationId: string, userIds: readonly string[]): Promise<void>;
  removeMember(conversationId: string, userId: string): Promise<boolean>;

  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Append several messages in one transaction, keeping their order: within a conversation they get
   * consecutive seqs in array order. A repeated `(senderId, clientId)`, stored or earlier in the batch,
   * yields the original with `duplicate: true`. All or nothing: if it throws, none was stored.
   */
  appendMessages(messages: readonly NewMessage[]): Promise<AppendResult[]>;
  findMessage(id: string): Promise<Message | undefined>;
  history(conversationId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }>;

  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
