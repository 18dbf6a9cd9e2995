/**
 * Repositories: each feature's persistence, built on one open database. This is wiring, not an
 * interface of its own: every field is a small repository owned by its feature folder, and code
 * that needs one takes that one (the composition root hands them out).
 */
import { type AuditLogRepository, KyselyAuditLogRepository } from './audit/audit-log-repository.js';
import { type AccountRepository, KyselyAccountRepository } from './auth/account-repository.js';
import { KyselySessionRepository, type SessionRepository } from './auth/session-repository.js';
import { type ConversationRepository, KyselyConversationRepository } from './conversations/conversation-repository.js';
import { KyselyMuteRepository, type MuteRepository } from './conversations/mute-repository.js';
import { type ErrorReportRepository, KyselyErrorReportRepository } from './errors/error-report-repository.js';
import { type FileRepository, KyselyFileRepository } from './files/file-repository.js';
import { KyselyMessageChangeRepository, type MessageChangeRepository } from './messages/message-change-repository.js';
import { KyselyMessageRepository, type MessageRepository } from './messages/message-repository.js';
import { KyselyNotificationRepository, type NotificationRepository } from './notifications/notification-repository.js';
import { type ApiKeyRepository, KyselyApiKeyRepository } from './publish/api-key-repository.js';
import { KyselyPushSubscriptionRepository, type PushSubscriptionRepository } from './push/push-subscription-repository.js';
import { type DeliveryPositionRepository, KyselyDeliveryPositionRepository } from './realtime/delivery-position-repository.js';
import { KyselyReadPositionRepository, type ReadPositionRepository } from './realtime/read-position-repository.js';
import type { DatabaseHandle } from './store/database-handle.js';
import { type BlockRepository, KyselyBlockRepository } from './users/block-repository.js';
import { KyselyProfileRepository, type ProfileRepository } from './users/profile-repository.js';

export interface Repositories {
  accounts: AccountRepository;
  sessions: SessionRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  /** Edits, deletions and reactions (the `message_events` and `message_reactions` tables). */
  messageChanges: MessageChangeRepository;
  readPositions: ReadPositionRepository;
  /** How far each member's devices confirmed receiving (delivery receipts). */
  deliveredPositions: DeliveryPositionRepository;
  notifications: NotificationRepository;
  files: FileRepository;
  apiKeys: ApiKeyRepository;
  errorReports: ErrorReportRepository;
  audit: AuditLogRepository;
  blocks: BlockRepository;
  /** Members' server-side mutes (a column of `conversation_members`). */
  mutes: MuteRepository;
  /** Web Push subscriptions, one per device. */
  pushSubscriptions: PushSubscriptionRepository;
  /** Users' own display names and avatars. */
  profiles: ProfileRepository;
}

/** Every feature's repository on `database` (messages with the dialect's fast write path). */
export function createRepositories(database: DatabaseHandle): Repositories {
  const { db } = database;
  return {
    accounts: new KyselyAccountRepository(db),
    sessions: new KyselySessionRepository(db),
    conversations: new KyselyConversationRepository(db),
    messages: new KyselyMessageRepository(db, database.fastMessageAppend),
    messageChanges: new KyselyMessageChangeRepository(db),
    readPositions: new KyselyReadPositionRepository(db),
    deliveredPositions: new KyselyDeliveryPositionRepository(db),
    notifications: new KyselyNotificationRepository(db),
    files: new KyselyFileRepository(db),
    apiKeys: new KyselyApiKeyRepository(db),
    errorReports: new KyselyErrorReportRepository(db),
    audit: new KyselyAuditLogRepository(db),
    blocks: new KyselyBlockRepository(db),
    mutes: new KyselyMuteRepository(db),
    pushSubscriptions: new KyselyPushSubscriptionRepository(db),
    profiles: new KyselyProfileRepository(db),
  };
}
