/**
 * ConversationLog: a conversation's stream as it was written — messages and changes (edits,
 * deletions, reactions) merged by seq — read in stretches for catch-up and gap filling.
 * Invariant: a page read from `after` is a contiguous run of the seqs that still exist above it
 * (none skipped between its first and last), oldest first, at most `limit` entries.
 */
import type { ConversationChange, Message } from '@herald/protocol';
import type { MessageChangeRepository } from './message-change-repository.js';
import type { MessageRepository } from './message-repository.js';

export type LogEntry =
  | { seq: number; message: Message; change?: undefined }
  | { seq: number; change: ConversationChange; message?: undefined };

export class ConversationLog {
  constructor(
    private readonly messages: Pick<MessageRepository, 'history'>,
    private readonly changes: Pick<MessageChangeRepository, 'changesBetween'>,
  ) {}

  /** Up to `limit` entries with after < seq (< before, when given), oldest first; `hasMore` when more are in range. */
  async read(
    conversationId: string,
    after: number,
    before: number | undefined,
    limit: number,
  ): Promise<{ entries: LogEntry[]; hasMore: boolean }> {
    const [page, changes] = await Promise.all([
      this.messages.history(conversationId, { after, before, limit }),
      this.changes.changesBetween(conversationId, after, before, limit + 1),
    ]);
    // Each list holds the first of its kind above `after`, so the first `limit` of both merged are the first `limit` entries.
    const merged: LogEntry[] = [
      ...page.messages.map((message) => ({ seq: message.seq, message })),
      ...changes.map((change) => ({ seq: change.data.seq, change })),
    ].sort((a, b) => a.seq - b.seq);
    return { entries: merged.slice(0, limit), hasMore: page.hasMore || merged.length > limit };
  }
}
