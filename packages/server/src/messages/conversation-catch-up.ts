/**
 * ConversationCatchUp: `subscribe` with or without `since`. It reads what a connection missed —
 * messages and changes (edits, deletions, reactions) — from the store and sends them in seq order, acknowledges, then lets the live events
 * held meanwhile through; the connection's ConversationStream makes the seam exact.
 * Invariants (3 in docs/architecture.md): after `subscribe(since)` the connection has every seq
 * above `since`, and never gets one seq twice; the catch-up sends at the reader's pace (it waits
 * for the socket to drain between pages), so a long one is never a slow consumer.
 * With `ackFirst` the ack goes out before the catch-up, carrying its target (the conversation's last
 * seq, read after live events started being held, so every seq up to it is in the catch-up and
 * every later one is a held or future live event): a long catch-up never holds a request's ack back.
 * Several catch-ups of one connection run side by side and interleave page by page.
 * Message retention: the ack carries `firstSeq`, the oldest seq still kept; a `since` below it gets
 * what remains (from `firstSeq` on), and the client knows the seqs between were deleted, not lost.
 */
import { type ClientFrameOf, HISTORY_PAGE_MAX } from '@herald/protocol';
import type { Connection } from '../gateway/connection.js';
import { ack } from '../gateway/server-frame.js';
import type { MessageService } from './message-service.js';

export class ConversationCatchUp {
  constructor(private readonly stream: Pick<MessageService, 'streamFrames' | 'firstSeq' | 'lastSeq'>) {}

  /**
   * Catch up from `since` (membership already checked), acknowledge with the last seq sent (or,
   * with `ackFirst`, with the target before sending), then go live. Live events that arrive meanwhile are held by the stream, and anything this connection
   * was already sent is skipped, so the client sees each seq once.
   */
  async subscribe(connection: Connection, request: ClientFrameOf<'subscribe'>): Promise<void> {
    const { conversationId } = request.data;
    const stream = connection.stream(conversationId);
    stream.unmute();
    const alreadySent = stream.beginCatchUp();
    let since: number;
    let cursor: number;
    let acked = false;
    let firstSeq = 1;
    try {
      // Read after live events started being held: every seq up to it is caught up, every later one is held or live.
      // Retention may have deleted every message: the last seq is then just below the first kept one.
      firstSeq = await this.stream.firstSeq(conversationId);
      const lastSeq = Math.max(await this.stream.lastSeq(conversationId), firstSeq - 1);
      // No resume point: start live from the current end. A `since` past the end (the client's
      // cursor is ahead: a database reset or restored from backup) starts there too, and the ack
      // says the true last seq, so a client that stores it does not skip the seqs still to come.
      since = Math.min(request.data.since ?? lastSeq, lastSeq);
      cursor = since;
      if (request.data.ackFirst) {
        ack(connection, request, { conversationId, lastSeq, firstSeq });
        acked = true;
      }
      if (since < lastSeq) {
        for (;;) {
          // Messages in their current state (reactions' `mine` for this user) and every change, in seq order.
          const page = await this.stream.streamFrames(conversationId, cursor, undefined, HISTORY_PAGE_MAX, connection.userId ?? null);
          for (const { seq, frame } of page.frames) {
            if (!alreadySent(seq)) connection.sendText(frame);
            cursor = seq;
          }
          if (!page.hasMore || page.frames.length === 0 || connection.state !== 'ready') break;
          await connection.drained();
        }
        // Nothing was kept between `since` and the first kept seq: the client has all there is up to it.
        if (cursor < firstSeq - 1 && cursor === since) cursor = Math.min(firstSeq - 1, lastSeq);
      }
    } catch (error) {
      // After an early ack the `error` frame (same ref) says the catch-up stopped short; the client
      // sees it fall behind its target and reads the rest from `history`.
      for (const event of stream.endCatchUp(stream.lastSeq, stream.lastSeq)) connection.sendText(event.frame);
      throw error;
    }
    if (!acked) ack(connection, request, { conversationId, lastSeq: cursor, firstSeq });
    for (const event of stream.endCatchUp(since, cursor)) connection.sendText(event.frame);
  }
}
