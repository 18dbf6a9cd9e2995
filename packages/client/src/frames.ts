/**
 * Building outgoing frames and checking replies against the protocol's shapes (generated from its
 * schemas; see @herald/protocol shape.ts), so a malformed request fails locally with
 * `invalid_frame` instead of costing a round trip, and a result is typed only after it was
 * validated. Refinements shapes leave out (safe text, emoji, history bounds) are the server's to
 * refuse, except `send_message`'s, which run here too (nothing that cannot be sent is queued). A message text over the protocol's `MESSAGE_TEXT_MAX` fails with
 * `too_big` (non-retryable, never queued), naming the limit, so an app can tell the user why.
 */
import {
  type Attachment,
  CLIENT_FRAME,
  type ClientFrameOf,
  checkShape,
  ErrorCode,
  HeraldError,
  MESSAGE_TEXT_MAX,
  REQUEST_RESULTS,
  type RequestAction,
  type RequestResult,
  type Shape,
  sendMessageIssues,
} from '@herald/protocol';

/** The kinds of message a client may send. */
export type OutgoingMessageType = ClientFrameOf<'send_message'>['type'];

/** The content of a message to send; `type` defaults to `text`. */
export interface MessageContent {
  type?: OutgoingMessageType;
  text?: string;
  replyTo?: string;
  attachment?: Attachment;
}

/** What each request action takes as `data` (schema defaults may be left out). */
export type RequestInput<A extends RequestAction> = A extends 'history'
  ? Omit<ClientFrameOf<'history'>['data'], 'limit'> & { limit?: number }
  : A extends 'send_message'
    ? Omit<ClientFrameOf<'send_message'>['data'], 'text'> & { text?: string }
    : A extends 'react'
      ? Omit<ClientFrameOf<'react'>['data'], 'remove'> & { remove?: boolean }
      : A extends 'search'
        ? Omit<ClientFrameOf<'search'>['data'], 'limit'> & { limit?: number }
        : ClientFrameOf<A>['data'];

/** Check `value` against a shape; throws HeraldError(`invalid_frame`) naming what is wrong. */
export function checked<T>(shape: Shape | undefined, value: unknown, what: string): T {
  const result = shape ? checkShape(shape, value) : { ok: false as const, issues: [] };
  if (!result.ok) throw new HeraldError(ErrorCode.InvalidFrame, `invalid ${what}`, result.issues);
  return result.value as T;
}

/** Assemble and validate a client frame; throws HeraldError(`invalid_frame`) when it breaks the schema. */
export function buildFrame<A extends RequestAction>(
  action: A,
  type: string,
  data: unknown,
  id: string,
  timestamp: number,
): ClientFrameOf<A> {
  if (action === 'send_message') checkMessageText(data);
  const frame = checked<ClientFrameOf<A>>(CLIENT_FRAME, { id, type, action, data, timestamp }, `${action} request`);
  if (action === 'send_message') {
    const issues = sendMessageIssues(type, (frame as { data: { text?: string } }).data);
    if (issues.length > 0) throw new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} request`, issues);
  }
  return frame;
}

/** Validate an ack's result against the action's result shape. */
export function parseResult<A extends RequestAction>(action: A, result: unknown): RequestResult<A> {
  return checked(REQUEST_RESULTS[action], result, `${action} result`);
}

/** Throws `too_big` when a message's text is longer than the protocol allows (counted as the server does: UTF-16 units). */
export function checkMessageText(data: unknown): void {
  const text = typeof data === 'object' && data !== null ? (data as { text?: unknown }).text : undefined;
  if (typeof text !== 'string' || text.length <= MESSAGE_TEXT_MAX) return;
  throw new HeraldError(ErrorCode.TooBig, `message text is ${text.length} characters; at most ${MESSAGE_TEXT_MAX} are allowed`, {
    reason: 'text_too_long',
    path: 'data.text',
    length: text.length,
    max: MESSAGE_TEXT_MAX,
  });
}
