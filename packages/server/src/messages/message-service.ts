/**
 * The one path every message takes, whether it came over the socket, REST or the publish API: check membership, blocks (direct conversations) and references, persist, then publish `new_message` on the bus.
 * Invariants: persisted before acknowledged, and acknowledged without waiting for other nodes (the
 * bus delivers to this node at once and queues for the others, bus/bus-outbox.ts); a conversation's messages are published by this node
 * in seq order (MessageWriter runs a conversation's batches in order); an idempotent repeat returns the original and publishes nothing;
 * the frame is serialised once per message, whatever the number of recipients.
 */
import {
  type Attachment,
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
import type { HistoryQuery, MessageRepository } from './message-repository.js';

export interface SendInput {
  conversationId: string;
  /** The sender's idempotency key. */
  clientId: string;
  type: Exclude<MessageType, 'system'>;
  text: string;
  replyTo?: string | undefined;
  attachment?: Attachment | undefined;
}

export class MessageService {
  private readonly writer: MessageWriter;

  constructor(
    private readonly repository: MessageRepository,
    private readonly files: FileRepository,
    private readonly bus: Bus,
    private readonly conversations: ConversationService,
    private readonly users: UserDirectory,
    private readonly metrics: Metrics,
    private readonly options: {
      writeConcurrency: number;
      /** Uploads no message carries may be attached only this long after upload (the unattached sweep's grace). */
      attachWithinMs?: number | undefined;
    },
  ) {
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
    }
    // The stored upload describes the attachment; the client's claims about it are dropped.
    const attachment =
      input.attachment && (await checkAttachment(this.files, senderId, input.type, input.attachment, this.options.attachWithinMs));
    const written = this.writer
      .append({
        conversationId: input.conversationId,
        senderId,
        clientId: input.clientId,
        type: input.type,
        text: input.text,
        replyTo: input.replyTo ?? null,
        attachment: attachment ?? null,
      })
      .then((result) => {
        if (result.duplicate && result.message.conversationId !== input.conversationId) {
          throw new HeraldError(ErrorCode.Conflict, 'this client id was already used for another conversation');
        }
        return result;
      });
    return { written };
  }

  async history(userId: string, conversationId: string, query: HistoryQuery): Promise<HistoryResult> {
    await this.conversations.assertMember(conversationId, userId, 'history');
    const [page, firstSeq] = await Promise.all([this.repository.history(conversationId, query), this.repository.firstSeq(conversationId)]);
    return { ...page, firstSeq };
  }

  /**
   * The stored messages with seq in [from, to) of a conversation as bus events shaped like `like`:
   * what a node's conversation stream reads back when a seq never arrived on the bus.
   */
  async eventsBetween(conversationId: string, from: number, to: number, like: ConversationEvent): Promise<ConversationEvent[]> {
    const page = await this.repository.history(conversationId, {
      after: from - 1,
      before: to,
      limit: Math.min(HISTORY_PAGE_MAX, to - from),
    });
    return Promise.all(page.messages.map(async (m) => ({ ...like, seq: m.seq, frame: await this.frameOf(m), publishedAt: Date.now() })));
  }

  /**
   * Every stored message of a conversation with seq > `after`, in order, as bus events for its
   * current members: what a node reads back when the bus returns after an outage.
   */
  async eventsAfter(conversationId: string, after: number): Promise<ConversationEvent[]> {
    const memberIds = this.memberList(await this.conversations.memberSet(conversationId));
    const events: ConversationEvent[] = [];
    for (let from = after, more = true; more; ) {
      const page = await this.repository.history(conversationId, { after: from, limit: HISTORY_PAGE_MAX });
      for (const m of page.messages) {
        events.push({
          type: 'conversation_event',
          conversationId,
          seq: m.seq,
          memberIds,
          frame: await this.frameOf(m),
          publishedAt: Date.now(),
        });
        from = m.seq;
      }
      more = page.hasMore && page.messages.length > 0;
    }
    return events;
  }

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

  private async publish(message: Message): Promise<void> {
    const members = await this.conversations.memberSet(message.conversationId);
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
