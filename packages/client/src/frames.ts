/**
 * Building outgoing frames and checking replies against the protocol schemas, so a bad request
 * fails locally with `invalid_frame` instead of costing a round trip, and a result is typed only
 * after it was validated.
 */
import {
  type Attachment,
  type ClientFrameOf,
  ClientFrameSchema,
  describeIssues,
  ErrorCode,
  HeraldError,
  type RequestAction,
  type RequestResult,
  RequestResultSchemas,
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
    : ClientFrameOf<A>['data'];

/** Assemble and validate a client frame; throws HeraldError(`invalid_frame`) when it breaks the schema. */
export function buildFrame<A extends RequestAction>(
  action: A,
  type: string,
  data: unknown,
  id: string,
  timestamp: number,
): ClientFrameOf<A> {
  const parsed = ClientFrameSchema.safeParse({ id, type, action, data, timestamp });
  if (!parsed.success) throw new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} request`, describeIssues(parsed.error));
  return parsed.data as ClientFrameOf<A>;
}

/** Validate an ack's result against the action's result schema. */
export function parseResult<A extends RequestAction>(action: A, result: unknown): RequestResult<A> {
  const parsed = RequestResultSchemas[action].safeParse(result);
  if (!parsed.success) throw new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} result`, describeIssues(parsed.error));
  return parsed.data as RequestResult<A>;
}
