/**
 * The adapter between the SDK's outbox and the message list: it adds to the conversation's
 * messages what the outbox holds for it but the list does not show (messages restored after a
 * reload: queued, or failed for good), tells for each failed message why and whether a Retry could
 * ever help, and hides the ones the user discarded.
 * A failed message offers Edit (its text back into the composer) and Discard, and Retry only when
 * a retry could work: a refusal that may be lifted (`forbidden`: a block, a membership) or a
 * message the outbox does not hold (refused before it was queued, e.g. `queue_full`). Never for
 * what the same message can never pass (too long, malformed, conversation gone). A failed message
 * the outbox is sending again (after Retry) shows as sending.
 */
import type { OutboxRecord } from '@herald/client';
import type { ConversationMessage } from './types';

export interface MessageFailure {
  code: string;
  message: string;
  /** A Retry may succeed (else only Edit and Discard are offered). */
  retryable: boolean;
}

export interface OutboxView {
  messages: ConversationMessage[];
  /** Why each failed message (by local id) failed. */
  failures: ReadonlyMap<string, MessageFailure>;
}

const NOT_HELD: MessageFailure = { code: 'not_queued', message: 'not queued', retryable: true };
/** Refusals that a later change can lift (a block removed, a member added back). */
const MAY_PASS_LATER: readonly string[] = ['forbidden'];

/** The conversation's messages with the outbox's view of them (`discarded`: local ids the user dropped). */
export function mergeOutbox(
  messages: readonly ConversationMessage[],
  records: readonly OutboxRecord[],
  context: { conversationId: string; userId: string; connected: boolean; discarded: ReadonlySet<string> },
): OutboxView {
  const failures = new Map<string, MessageFailure>();
  const mine = records.filter((record) => record.frame.data.conversationId === context.conversationId && !context.discarded.has(record.id));
  const held = new Map(mine.map((record) => [record.id, record]));
  for (const record of mine) {
    if (record.state !== 'failed') continue;
    const code = record.error?.code ?? 'failed';
    failures.set(record.id, { code, message: record.error?.message ?? '', retryable: MAY_PASS_LATER.includes(code) });
  }
  const shown = new Set<string>();
  const kept: ConversationMessage[] = [];
  for (const message of messages) {
    if (message.state !== 'sent' && context.discarded.has(message.localId)) continue;
    shown.add(message.localId);
    const record = held.get(message.localId);
    if (message.state === 'failed' && record && record.state !== 'failed') {
      // Retried through the outbox: on its way again.
      kept.push({ ...message, state: 'sending', pending: !context.connected });
      continue;
    }
    if (message.state === 'failed' && !failures.has(message.localId)) failures.set(message.localId, NOT_HELD);
    kept.push(message);
  }
  for (const record of mine) if (!shown.has(record.id)) kept.push(restored(record, context));
  return { messages: kept, failures };
}

/** A message the outbox kept from an earlier page load, as the list shows a local message. */
function restored(record: OutboxRecord, context: { userId: string; connected: boolean }): ConversationMessage {
  const { data } = record.frame;
  return {
    id: record.id,
    clientId: record.id,
    conversationId: data.conversationId,
    seq: 0,
    senderId: context.userId,
    type: record.frame.type,
    text: data.text ?? '',
    replyTo: data.replyTo ?? null,
    attachment: data.attachment ?? null,
    createdAt: record.queuedAt,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    groupMention: null,
    reactions: [],
    replyPreview: null,
    localId: record.id,
    state: record.state === 'failed' ? 'failed' : 'sending',
    pending: record.state !== 'failed' && !context.connected,
  };
}
