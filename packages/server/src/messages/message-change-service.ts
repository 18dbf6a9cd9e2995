/**
 * MessageChangeService: edit, delete and react — the one path each takes, over the socket or REST.
 * It checks membership and who may do what, resolves mentions of an edit, then writes the change
 * through the node's MessageWriter (so this node publishes a conversation's messages and changes in
 * seq order) and publishes its event to the members.
 * Who may: edit — the author, a text message, within the edit window (if one is set); delete — the
 * author, the group's owner, or an admin; react — any member, on a message that is not deleted.
 * Invariants: a change is stored before it is acknowledged; a repeated request id answers like the
 * first time and publishes nothing; a deleted message's attachment leaves storage once no message
 * refers to it (after the change is stored; a failure there is logged, never the caller's).
 */
import { type DeleteMessageResult, type EditMessageResult, ErrorCode, HeraldError, type ReactResult } from '@herald/protocol';
import type { Logger } from 'pino';
import type { ConversationService } from '../conversations/conversation-service.js';
import { overLimit } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import type { MentionResolver } from './mention-resolver.js';
import {
  type ChangeOutcome,
  type ChangeRequest,
  type ChangeSpec,
  type ChangeTarget,
  type MessageChangeRepository,
  ReactionCapExceeded,
} from './message-change-repository.js';
import type { MessageService } from './message-service.js';

/** Who asks: their id, and their role when the caller already knows it (read when needed otherwise). */
export interface ChangeActor {
  userId: string;
  role?: string | undefined;
}

export interface ChangeInput {
  conversationId: string;
  messageId: string;
  /** The request's idempotency key. */
  clientId: string;
}

export interface MessageChangeServiceDeps {
  changes: MessageChangeRepository;
  messages: Pick<MessageService, 'change' | 'publishChange'>;
  conversations: Pick<ConversationService, 'assertMember' | 'ownerOf'>;
  mentions: MentionResolver;
  /** The user's current role (admins may delete any message). */
  roleOf: (userId: string) => Promise<string | undefined>;
  /** Remove a file nothing refers to any more (its row and its bytes). */
  releaseFile: (fileId: string) => Promise<void>;
  /** How long after sending its author may edit a message; 0 = always. */
  editWindowMs: number;
  metrics: Pick<Metrics, 'limitRejections'>;
  log: Logger;
}

/**
 * A change checked and queued: `written` settles once it is stored and published (or refused). A
 * caller that queues in order (one connection's frames) keeps its order, as with messages.
 */
export interface Queued<T> {
  written: Promise<T>;
}

export class MessageChangeService {
  constructor(private readonly deps: MessageChangeServiceDeps) {}

  async edit(actor: ChangeActor, input: ChangeInput & { text: string }): Promise<Queued<EditMessageResult>> {
    await this.deps.conversations.assertMember(input.conversationId, actor.userId, 'edit');
    const mentions = await this.deps.mentions.resolve(input.conversationId, actor, input.text);
    const { editWindowMs } = this.deps;
    const written = this.apply(actor, input, { kind: 'edit', text: input.text, ...mentions }, (target) => {
      if (target.senderId !== actor.userId) throw new HeraldError(ErrorCode.Forbidden, 'only its author can edit a message');
      if (target.type !== 'text') throw new HeraldError(ErrorCode.BadRequest, 'only text messages can be edited');
      if (editWindowMs > 0 && Date.now() - target.createdAt > editWindowMs) {
        throw new HeraldError(
          ErrorCode.Forbidden,
          `messages can be edited for ${Math.round(editWindowMs / 60_000)} minutes after sending`,
          {
            reason: 'edit_window',
            editWindowMs,
          },
        );
      }
    });
    return { written: written.then((outcome) => ({ ...result(input, outcome), editedAt: outcome.at })) };
  }

  async delete(actor: ChangeActor, input: ChangeInput): Promise<Queued<DeleteMessageResult>> {
    // Read before the transaction (the role and owner do not change with the message).
    const [owner, role] = await Promise.all([
      this.deps.conversations.ownerOf(input.conversationId),
      actor.role === undefined ? this.deps.roleOf(actor.userId) : Promise.resolve(actor.role),
    ]);
    // Admins moderate: they may delete in a conversation they are not a member of.
    if (role !== 'admin') await this.deps.conversations.assertMember(input.conversationId, actor.userId, 'delete');
    else if (owner === undefined) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    const written = this.apply(actor, input, { kind: 'delete' }, (target) => {
      if (target.senderId === actor.userId || role === 'admin' || owner === actor.userId) return;
      throw new HeraldError(ErrorCode.Forbidden, 'only its author, the group owner or an admin can delete a message');
    });
    return {
      written: written.then((outcome) => {
        if (outcome.orphanedFileId !== null) this.release(outcome.orphanedFileId);
        return { ...result(input, outcome), deletedAt: outcome.at };
      }),
    };
  }

  private release(fileId: string): void {
    this.deps.releaseFile(fileId).catch((error: unknown) => {
      this.deps.log.warn({ err: error, fileId }, 'could not remove the file of a deleted message; the unattached sweep retries');
    });
  }

  async react(actor: ChangeActor, input: ChangeInput & { emoji: string; remove: boolean }): Promise<Queued<ReactResult>> {
    await this.deps.conversations.assertMember(input.conversationId, actor.userId, 'react');
    const written = this.apply(actor, input, { kind: 'reaction', emoji: input.emoji, added: !input.remove }, () => undefined);
    return {
      written: written.then(
        (outcome) => result(input, outcome),
        (error: unknown) => {
          if (!(error instanceof ReactionCapExceeded)) throw error;
          const message =
            error.cap === 'reactions_per_user'
              ? 'you have put the most reactions allowed on this message'
              : 'this message has the most different reactions allowed';
          throw overLimit(error.cap, message, this.deps.metrics);
        },
      ),
    };
  }

  private apply(actor: ChangeActor, input: ChangeInput, spec: ChangeSpec, allow: (target: ChangeTarget) => void): Promise<ChangeOutcome> {
    const request: ChangeRequest = { ...input, userId: actor.userId, spec, allow };
    return this.deps.messages.change(
      input.conversationId,
      () => this.deps.changes.apply(request),
      async (outcome) => {
        if (outcome.change && !outcome.duplicate) await this.deps.messages.publishChange(outcome.change);
      },
    );
  }
}

function result(input: ChangeInput, outcome: ChangeOutcome) {
  return {
    conversationId: input.conversationId,
    messageId: input.messageId,
    seq: outcome.change?.data.seq ?? null,
    duplicate: outcome.duplicate,
  };
}
