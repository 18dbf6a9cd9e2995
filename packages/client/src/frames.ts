/**
 * Building outgoing frames and checking what comes back against the protocol's shapes (generated
 * from its schemas; see @herald/protocol shape.ts): a result is typed only after it was validated.
 * What is checked before sending follows what the client trusts least and what costs most to get
 * wrong. A message is checked in full here (its shape and `send_message`'s rules) because it is
 * queued and stored before the server sees it: nothing that cannot be sent is queued. Every other
 * request is typed by the API and checked by the server alone, which answers a malformed one with
 * `invalid_frame` and the same issue paths (the promise rejects with it); leaving those shapes out
 * keeps the browser SDK under its size budget. A message text over `MESSAGE_TEXT_MAX` fails with
 * `too_big` (non-retryable, never queued), naming the limit, so an app can tell the user why.
 */
import {
  type Attachment,
  type ClientFrameOf,
  checkShape,
  ErrorCode,
  HeraldError,
  MESSAGE_TEXT_MAX,
  REQUEST_RESULTS,
  type RequestAction,
  type RequestResult,
  SEND_MESSAGE_FRAME,
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

/** Assemble a client frame; a message is validated too (HeraldError `invalid_frame` or `too_big`), other requests are the server's to check. */
export function buildFrame<A extends RequestAction>(
  action: A,
  type: string,
  data: unknown,
  id: string,
  timestamp: number,
): ClientFrameOf<A> {
  const frame = { id, type, action, data, timestamp };
  if (action !== 'send_message') return frame as ClientFrameOf<A>;
  checkMessageText(data);
  const message = checked<ClientFrameOf<'send_message'>>(SEND_MESSAGE_FRAME, frame, `${action} request`);
  const issues = sendMessageIssues(type, message.data);
  if (issues.length > 0) throw new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} request`, issues);
  return message as ClientFrameOf<A>;
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
