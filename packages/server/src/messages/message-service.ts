/**
 * The one path every message takes, whether it came over the socket, REST or the publish API: check membership, blocks (direct conversations) and references, persist, then publish `new_message` on the bus.
 * Invariants: persisted before acknowledged, and acknowledged without waiting for other nodes (the
 * bus delivers to this node at once and queues for the others, bus/bus-outbox.ts); a conversation's messages are published by this node
 * in seq order (MessageWriter runs a conversation's batches in order); an idempotent repeat returns the original and publishes nothing;
 * the frame is serialised once per message, whatever the number of recipients.
 */
import {
  type Attachment,
  type ConversationChange,
  ErrorCode,
  encodeFrame,
  HeraldError,
  HISTORY_PAGE_MAX,
  type HistoryResult,
  type Message,
  type MessageType,
  type ServerFrameOf,
} from '@herald/protocol';
import type { Bus, ConversationEvent } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { checkAttachment } from '../files/attachment-check.js';
import type { FileRepository } from '../files/file-repository.js';
import type { Metrics } from '../metrics.js';
import type { AppendResult } from '../store/message-append.js';
import { MessageWriter } from '../store/message-writer.js';
import type { UserDirectory } from '../users/user-directory.js';
import { ConversationLog } from './conversation-log.js';
import type { MentionResolver } from './mention-resolver.js';
import type { MessageChangeRepository } from './message-change-repository.js';
import { MessageDetails } from './message-details.js';
import type { HistoryQuery, MessageRepository } from './message-repository.js';

/** A history request: a page before or after a seq, around one, or the latest. */
export type HistoryRequest = HistoryQuery & { around?: number | undefined };

/** One encoded frame of a conversation's stream. */
export interface StreamFrame {
  seq: number;
  frame: string;
}

export interface SendInput {
  conversationId: string;
  /** The sender's idempotency key. */
  clientId: string;
  type: Exclude<MessageType, 'system'>;
  text: string;
  replyTo?: string | undefined;
  attachment?: Attachment | undefined;
  /** The sender's role when the caller knows it (who may write `@all` is read otherwise). */
  senderRole?: string | undefined;
}

export class MessageService {
  private readonly writer: MessageWriter;
  private readonly details: MessageDetails;
  private readonly log: ConversationLog;

  constructor(
    private readonly repository: MessageRepository,
    private readonly files: FileRepository,
    private readonly bus: Bus,
    private readonly conversations: ConversationService,
    private readonly users: UserDirectory,
    private readonly metrics: Metrics,
    chat: { changes: MessageChangeRepository; mentions: MentionResolver },
    private readonly options: {
      writeConcurrency: number;
      /** Uploads no message carries may be attached only this long after upload (the unattached sweep's grace). */
      attachWithinMs?: number | undefined;
    },
  ) {
    this.details = new MessageDetails(repository, chat.changes, users);
    this.log = new ConversationLog(repository, chat.changes);
    this.mentions = chat.mentions;
    this.writer = new MessageWriter(
      repository,
      async (results) => {
        for (const { message, duplicate } of results) {
          if (duplicate) continue;
          this.metrics.messages.inc();
          await this.publish(message);
        }
      },
      { concurrency: options.writeConcurrency },
    );
  }

  /** Check, persist and publish one message; resolves once it is stored. */
  async send(senderId: string, input: SendInput): Promise<AppendResult> {
    return (await this.enqueue(senderId, input)).written;
  }

  /**
   * Check a message and queue it for writing. Resolves as soon as it is queued, so a caller that
   * enqueues in order (one client's frames) keeps its order, while the write itself joins a batch.
   */
  async enqueue(senderId: string, input: SendInput): Promise<{ written: Promise<AppendResult> }> {
    const members = await this.conversations.assertMember(input.conversationId, senderId, 'send');
    // A block between the two people of a direct conversation closes it both ways (users/block-list.ts).
    if (members.size === 2) await this.conversations.assertDirectOpen(input.conversationId, senderId, members);
    if (input.replyTo !== undefined) {
      const target = await this.repository.findMessage(input.replyTo);
      if (!target || target.conversationId !== input.conversationId) {
        throw new HeraldError(ErrorCode.BadRequest, 'replyTo must name a message of the same conversation');
      }
      if (target.deletedAt !== null) throw new HeraldError(ErrorCode.Conflict, 'the message replied to was deleted');
    }
    // The stored upload describes the attachment; the client's claims about it are dropped.
    const attachment =
      input.attachment && (await checkAttachment(this.files, senderId, input.type, input.attachment, this.options.attachWithinMs));
    const mentions = await this.mentions.resolve(input.conversationId, { userId: senderId, role: input.senderRole }, input.text);
    const written = this.writer
      .append({
        conversationId: input.conversationId,
        senderId,
        clientId: input.clientId,
        type: input.type,
        text: input.text,
        replyTo: input.replyTo ?? null,
        attachment: attachment ?? null,
        ...mentions,
      })
      .then((result) => {
        if (result.duplicate && result.message.conversationId !== input.conversationId) {
          throw new HeraldError(ErrorCode.Conflict, 'this client id was already used for another conversation');
        }
        return result;
      });
    return { written };
  }

  /**
   * A page of history for `userId`, messages in their current state (reactions with `mine` for
   * them, reply previews). Read with `after` alone, the page is a stretch of the stream and also
   * carries the change events in it (a client filling a gap); `around` centres it on a seq.
   */
  async history(userId: string, conversationId: string, query: HistoryRequest): Promise<HistoryResult> {
    await this.conversations.assertMember(conversationId, userId, 'history');
    const firstSeq = this.repository.firstSeq(conversationId);
    let page: HistoryResult;
    if (query.around !== undefined) {
      const newerCount = Math.floor(query.limit / 2);
      const older = await this.repository.history(conversationId, { before: query.around + 1, limit: query.limit - newerCount });
      const newer =
        newerCount > 0
          ? await this.repository.history(conversationId, { after: query.around, limit: newerCount })
          : { messages: [], hasMore: (await this.repository.lastSeq(conversationId)) > query.around };
      page = { messages: [...older.messages, ...newer.messages], hasMore: older.hasMore, hasNewer: newer.hasMore };
    } else if (query.after !== undefined && query.before === undefined) {
      const { entries, hasMore } = await this.log.read(conversationId, query.after, undefined, query.limit);
      const changes: ConversationChange[] = [];
      const messages: Message[] = [];
      for (const entry of entries) {
        if (entry.message) messages.push(entry.message);
        else changes.push(entry.change);
      }
      page = { messages, hasMore, changes };
    } else {
      page = await this.repository.history(conversationId, query);
    }
    return { ...page, messages: await this.details.fill(page.messages, userId), firstSeq: await firstSeq };
  }

  /**
   * Up to `limit` encoded frames of the conversation's stream with after < seq (< before), oldest
   * first: `new_message` in the message's current state (reactions' `mine` for `viewerId`, none when
   * null) and each change's own event.
   */
  async streamFrames(
    conversationId: string,
    after: number,
    before: number | undefined,
    limit: number,
    viewerId: string | null,
  ): Promise<{ frames: StreamFrame[]; hasMore: boolean }> {
    const { entries, hasMore } = await this.log.read(conversationId, after, before, limit);
    const messages = await this.details.fill(
      entries.flatMap((e) => (e.message ? [e.message] : [])),
      viewerId,
    );
    const filled = new Map(messages.map((m) => [m.seq, m]));
    const frames: StreamFrame[] = [];
    for (const entry of entries) {
      const message = entry.message && filled.get(entry.seq);
      frames.push({
        seq: entry.seq,
        frame: message ? await this.frameOf(message) : this.changeFrameOf(entry.change as ConversationChange),
      });
    }
    return { frames, hasMore };
  }

  /** The oldest seq the conversation keeps, and its last seq (of a message or a change). */
  firstSeq(conversationId: string): Promise<number> {
    return this.repository.firstSeq(conversationId);
  }

  lastSeq(conversationId: string): Promise<number> {
    return this.repository.lastSeq(conversationId);
  }

  /**
   * The stored messages and changes with seq in [from, to) of a conversation as bus events shaped
   * like `like`: what a node's conversation stream reads back when a seq never arrived on the bus.
   */
  async eventsBetween(conversationId: string, from: number, to: number, like: ConversationEvent): Promise<ConversationEvent[]> {
    const { frames } = await this.streamFrames(conversationId, from - 1, to, Math.min(HISTORY_PAGE_MAX, to - from), null);
    return frames.map(({ seq, frame }) => ({ ...like, seq, frame, publishedAt: Date.now() }));
  }

  /**
   * Every stored message and change of a conversation with seq > `after`, in order, as bus events
   * for its current members: what a node reads back when the bus returns after an outage.
   */
  async eventsAfter(conversationId: string, after: number): Promise<ConversationEvent[]> {
    const memberIds = this.memberList(await this.conversations.memberSet(conversationId));
    const events: ConversationEvent[] = [];
    for (let from = after, more = true; more; ) {
      const page = await this.streamFrames(conversationId, from, undefined, HISTORY_PAGE_MAX, null);
      for (const { seq, frame } of page.frames) {
        events.push({ type: 'conversation_event', conversationId, seq, memberIds, frame, publishedAt: Date.now() });
        from = seq;
      }
      more = page.hasMore && page.frames.length > 0;
    }
    return events;
  }

  /** The event frame of a stored change. */
  changeFrameOf(change: ConversationChange): string {
    return encodeFrame({
      id: `${change.data.seq}:${change.data.messageId}`,
      type: 'event',
      action: change.action,
      data: change.data,
      timestamp: change.data.at,
    } as ServerFrameOf<typeof change.action>);
  }

  /** Queue a change of a conversation behind what this node is writing to it (see MessageWriter#change). */
  change<T>(conversationId: string, write: () => Promise<T>, publish: (result: T) => Promise<void>): Promise<T> {
    return this.writer.change(conversationId, write, publish);
  }

  /** Publish a stored change to the conversation's members. */
  async publishChange(change: ConversationChange): Promise<void> {
    const members = await this.conversations.memberSet(change.data.conversationId);
    await this.bus.publish({
      type: 'conversation_event',
      conversationId: change.data.conversationId,
      seq: change.data.seq,
      memberIds: this.memberList(members),
      frame: this.changeFrameOf(change),
      publishedAt: Date.now(),
    });
    for (const listener of this.changeListeners) {
      try {
        listener(change, members);
      } catch {
        // As for messages: a listener never fails a stored, published change.
      }
    }
  }

  /** Be told of each change after it is published; returns the unsubscribe function. */
  onChange(listener: (change: ConversationChange, memberIds: ReadonlySet<string>) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private readonly changeListeners = new Set<(change: ConversationChange, memberIds: ReadonlySet<string>) => void>();
  private readonly mentions: MentionResolver;

  /** The exact text of the `new_message` frame for a message (used live and for catch-up). */
  async frameOf(message: Message): Promise<string> {
    const frame: ServerFrameOf<'new_message'> = {
      id: message.id,
      type: message.type,
      action: 'new_message',
      data: message,
      timestamp: message.createdAt,
      sender: await this.users.sender(message.senderId),
    };
    return encodeFrame(frame);
  }

  /** Resolves when every accepted message has been persisted and published. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  /** Be told of each message after it is published (e.g. offline delivery); returns the unsubscribe function. */
  onPublished(listener: PublishedListener): () => void {
    this.publishedListeners.add(listener);
    return () => this.publishedListeners.delete(listener);
  }

  private readonly publishedListeners = new Set<PublishedListener>();
  /** Member sets are cached (and replaced on change) by ConversationService: copy each to an array once, not per message. */
  private readonly memberLists = new WeakMap<ReadonlySet<string>, string[]>();

  private memberList(members: ReadonlySet<string>): string[] {
    let list = this.memberLists.get(members);
    if (!list) {
      list = [...members];
      this.memberLists.set(members, list);
    }
    return list;
  }

  private async publish(stored: Message): Promise<void> {
    const members = await this.conversations.memberSet(stored.conversationId);
    // A reply carries its quote: one look-up, only for replies.
    const message = stored.replyTo === null ? stored : ((await this.details.fill([stored], null))[0] ?? stored);
    await this.bus.publish({
      type: 'conversation_event',
      conversationId: message.conversationId,
      seq: message.seq,
      memberIds: this.memberList(members),
      frame: await this.frameOf(message),
      publishedAt: Date.now(),
    });
    for (const listener of this.publishedListeners) {
      try {
        listener(message, members);
      } catch {
        // A listener must not fail a send that is already persisted and published; listeners log their own errors.
      }
    }
  }
}

/** Called synchronously after a message is published, with the members it was published to. */
export type PublishedListener = (message: Message, memberIds: ReadonlySet<string>) => void;
