/**
 * FrameRouter: what each client frame means. Gets frames that passed size, rate and schema
 * checks; answers every request with exactly one `ack` or `error` carrying its id as `ref`.
 * Invariant: a failing handler answers with an error frame; it never closes the connection
 * (only authentication failures do).
 */
import {
  type ClientFrame,
  type ClientFrameOf,
  CloseCode,
  ErrorCode,
  HeraldError,
  HISTORY_PAGE_MAX,
  type RequestAction,
  type RequestResult,
} from '@herald/protocol';
import type { AccountRepository } from '../auth/account-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { Feature, FrameHandler } from '../feature.js';
import type { MessageRepository } from '../messages/message-repository.js';
import type { MessageService } from '../messages/message-service.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { Connection } from './connection.js';
import type { LocalSessions } from './local-sessions.js';
import { serverFrameId } from './server-frame.js';

export interface FrameRouterDeps {
  features: readonly Feature[];
  presence: PresenceService;
  auth: AuthService;
  accounts: Pick<AccountRepository, 'findUserById'>;
  history: Pick<MessageRepository, 'history'>;
  conversations: ConversationService;
  messages: MessageService;
  sessions: LocalSessions;
  connectedInfo: () => { heartbeatIntervalMs: number; limits: { maxFrameBytes: number; ratePerSecond: number; burst: number } };
}

export class FrameRouter {
  private readonly featureHandlers = new Map<string, FrameHandler>();

  constructor(private readonly deps: FrameRouterDeps) {
    for (const feature of deps.features) {
      for (const [action, handler] of Object.entries(feature.frames ?? {})) {
        if (handler) this.featureHandlers.set(action, handler);
      }
    }
  }

  async handle(connection: Connection, frame: ClientFrame): Promise<void> {
    switch (frame.action) {
      case 'authenticate':
        return this.authenticate(connection, frame);
      case 'heartbeat':
        connection.send({
          id: serverFrameId(),
          type: 'heartbeat',
          action: 'heartbeat',
          data: { ref: frame.id, serverTime: Date.now() },
          timestamp: Date.now(),
        });
        return;
      case 'send_message':
        return this.sendMessage(connection, frame);
      case 'subscribe':
        return this.subscribe(connection, frame);
      case 'unsubscribe': {
        const user = this.requireUser(connection);
        await this.deps.conversations.assertMember(frame.data.conversationId, user, 'unsubscribe');
        connection.stream(frame.data.conversationId).muted = true;
        return this.ack(connection, frame.id, 'unsubscribe', { conversationId: frame.data.conversationId });
      }
      case 'history': {
        const user = this.requireUser(connection);
        const { conversationId, before, after, limit } = frame.data;
        const result = await this.deps.messages.history(user, conversationId, { before, after, limit });
        return this.ack(connection, frame.id, 'history', result);
      }
      case 'presence_query': {
        this.requireUser(connection);
        return this.ack(connection, frame.id, 'presence_query', { presence: this.deps.presence.get(frame.data.userIds) });
      }
      default: {
        this.requireUser(connection);
        const handler = this.featureHandlers.get(frame.action);
        if (!handler) throw new HeraldError(ErrorCode.UnknownAction, `"${frame.action}" is not enabled on this server`);
        return handler(connection, frame);
      }
    }
  }

  private requireUser(connection: Connection): string {
    const id = connection.userId;
    if (!id) throw new HeraldError(ErrorCode.NotAuthenticated, 'send authenticate first');
    return id;
  }

  private ack<A extends RequestAction>(connection: Connection, ref: string, _action: A, result: RequestResult<A>): void {
    connection.send({ id: serverFrameId(), type: 'ack', action: 'ack', data: { ref, result }, timestamp: Date.now() });
  }

  private async authenticate(connection: Connection, frame: ClientFrameOf<'authenticate'>): Promise<void> {
    if (connection.state !== 'authenticating') {
      throw new HeraldError(ErrorCode.AlreadyAuthenticated, 'this socket is already authenticated');
    }
    let userId: string;
    try {
      userId = (await this.deps.auth.verify(frame.data.token)).userId;
    } catch (error) {
      const herald = error instanceof HeraldError ? error : new HeraldError(ErrorCode.Unauthorized, 'invalid token');
      connection.sendError(herald, frame.id);
      connection.close(CloseCode.Unauthorized, herald.code);
      return;
    }
    const record = await this.deps.accounts.findUserById(userId);
    if (!record) {
      connection.sendError(new HeraldError(ErrorCode.Unauthorized, 'account no longer exists'), frame.id);
      connection.close(CloseCode.Unauthorized, ErrorCode.Unauthorized);
      return;
    }
    if (connection.state !== 'authenticating') return; // closed (e.g. timed out) while we checked
    const { passwordHash: _hidden, ...user } = record;
    connection.user = user;
    connection.device = frame.data.device;
    connection.state = 'ready';
    this.deps.sessions.add(connection);
    const info = this.deps.connectedInfo();
    connection.send({
      id: serverFrameId(),
      type: 'system',
      action: 'connected',
      data: {
        connectionId: connection.id,
        user,
        device: frame.data.device,
        serverTime: Date.now(),
        heartbeatIntervalMs: info.heartbeatIntervalMs,
        limits: info.limits,
      },
      timestamp: Date.now(),
    });
    for (const feature of this.deps.features) {
      try {
        await feature.connected?.(connection);
      } catch (error) {
        connection.log.error({ err: error, feature: feature.name }, 'feature connected hook failed');
      }
    }
  }

  private async sendMessage(connection: Connection, frame: ClientFrameOf<'send_message'>): Promise<void> {
    const user = this.requireUser(connection);
    // Checks run in frame order per connection; the write joins whatever batch is forming.
    const { written } = await connection.inOrder(() =>
      this.deps.messages.enqueue(user, {
        conversationId: frame.data.conversationId,
        clientId: frame.id,
        type: frame.type,
        text: frame.data.text,
        replyTo: frame.data.replyTo,
        attachment: frame.data.attachment,
      }),
    );
    const { message, duplicate } = await written;
    this.ack(connection, frame.id, 'send_message', {
      messageId: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      createdAt: message.createdAt,
      duplicate,
    });
  }

  /**
   * Catch up from `since`, then go live. Live events that arrive meanwhile are held by the stream,
   * and anything this connection was already sent is skipped, so the client sees each seq once.
   */
  private async subscribe(connection: Connection, frame: ClientFrameOf<'subscribe'>): Promise<void> {
    const user = this.requireUser(connection);
    const { conversationId } = frame.data;
    await this.deps.conversations.assertMember(conversationId, user, 'subscribe');
    const stream = connection.stream(conversationId);
    stream.muted = false;
    const alreadySent = stream.beginCatchUp();
    let since = frame.data.since;
    let cursor: number;
    try {
      if (since === undefined) {
        // No resume point: start live from the current end of the conversation.
        const latest = await this.deps.history.history(conversationId, { limit: 1 });
        since = latest.messages[0]?.seq ?? 0;
        cursor = since;
      } else {
        cursor = since;
        for (;;) {
          const page = await this.deps.history.history(conversationId, { after: cursor, limit: HISTORY_PAGE_MAX });
          for (const message of page.messages) {
            if (!alreadySent(message.seq)) connection.sendText(await this.deps.messages.frameOf(message));
            cursor = message.seq;
          }
          if (!page.hasMore || connection.state !== 'ready') break;
          await connection.drained();
        }
      }
    } catch (error) {
      for (const event of stream.endCatchUp(stream.lastSeq, stream.lastSeq)) connection.sendText(event.frame);
      throw error;
    }
    this.ack(connection, frame.id, 'subscribe', { conversationId, lastSeq: cursor });
    for (const event of stream.endCatchUp(since, cursor)) connection.sendText(event.frame);
  }
}
