/**
 * Message retention (HERALD_MESSAGE_RETENTION_DAYS; off by default): a periodic sweep, every
 * min(retention/4, 10 min), deletes each conversation's messages older than the retention.
 * Invariants: per conversation only a prefix of seqs goes (from the oldest up to the first message
 * that is not old), so seqs are never reused and never holed; `conversations.first_seq` names the
 * oldest kept seq before the rows go, and subscribe acks and history pages carry it as `firstSeq`,
 * so clients tell "deleted by retention" from "lost" (docs/protocol.md, "Ordering, resume and
 * idempotency"); deletes run `BATCH` rows per statement with a yield between, so the SQLite write
 * lock is never held for long; several nodes may sweep at once (each row is deleted once).
 * Attachments of deleted messages are no longer carried by any message: the unattached upload
 * sweep deletes them on its next run.
 */
import type { Logger } from 'pino';
import type { Feature } from '../feature.js';
import { PeriodicTask, sweepIntervalFor } from '../util/periodic-task.js';
import type { MessageRepository } from './message-repository.js';

const BATCH = 500;
const CONVERSATIONS_PAGE = 200;

type RetentionRepository = Pick<MessageRepository, 'conversationIdsAfter' | 'pruneOlderThan'>;

/** One sweep over every conversation; resolves with how many messages this node deleted. */
export async function sweepMessages(messages: RetentionRepository, retentionMs: number, now = Date.now()): Promise<number> {
  const before = now - retentionMs;
  let deleted = 0;
  for (let after = ''; ; ) {
    const ids = await messages.conversationIdsAfter(after, CONVERSATIONS_PAGE);
    for (const id of ids) deleted += (await messages.pruneOlderThan(id, before, BATCH)).deleted;
    const last = ids.at(-1);
    if (ids.length < CONVERSATIONS_PAGE || last === undefined) return deleted;
    after = last;
  }
}

export interface MessageRetentionDeps {
  messages: RetentionRepository;
  retentionMs: number;
  log: Logger;
}

/** The sweep as a feature: it runs from construction until `close`. */
export function messageRetentionFeature(deps: MessageRetentionDeps): Feature {
  const task = new PeriodicTask(
    async () => {
      const deleted = await sweepMessages(deps.messages, deps.retentionMs);
      if (deleted > 0) deps.log.info({ deleted }, 'deleted messages past their retention');
    },
    sweepIntervalFor(deps.retentionMs),
    (error) => deps.log.warn({ err: error }, 'message retention sweep failed; the next run retries'),
  ).start();
  return { name: 'message-retention', close: () => task.stop() };
}
