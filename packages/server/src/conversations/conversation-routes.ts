/**
 * /api/v1/conversations: create, list, members, rename, history, and sending, editing, deleting
 * and reacting over HTTP (the same services as the socket, the same idempotency keys).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { MessageChangeService } from '../messages/message-change-service.js';
import type { MessageService } from '../messages/message-service.js';
import type { ConversationService } from './conversation-service.js';

export interface ConversationRoutesDeps {
  conversations: ConversationService;
  messages: MessageService;
  changes: MessageChangeService;
  authenticate: Authenticator;
}

/** The idempotency key of a change or send: the body's `clientId`, else the `Idempotency-Key` header, else a fresh one. */
function idempotencyKey(bodyClientId: string | undefined, header: string | string[] | undefined): string {
  const clientId = bodyClientId ?? (typeof header === 'string' && header.length > 0 ? header : undefined);
  if (clientId !== undefined && clientId.length > 64)
    throw new HeraldError(ErrorCode.BadRequest, 'Idempotency-Key is longer than 64 characters');
  return clientId ?? randomUUID();
}

export async function conversationRoutes(app: FastifyInstance, deps: ConversationRoutesDeps): Promise<void> {
  const { conversations, messages, changes, authenticate } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.conversations;

  route(contract.create, async ({ actor, body }) => ({ status: 201, body: { conversation: await conversations.create(actor, body) } }));

  route(contract.list, async ({ actor, query }) => ({ status: 200, body: await conversations.list(actor, query) }));

  route(contract.get, async ({ actor, params }) => ({ status: 200, body: { conversation: await conversations.get(actor, params.id) } }));

  route(contract.addMembers, async ({ actor, params, body }) => ({
    status: 200,
    body: { members: await conversations.addMembers(actor, params.id, body.userIds) },
  }));

  route(contract.rename, async ({ actor, params, body }) => {
    await conversations.rename(actor, params.id, body.title);
    return { status: 204 };
  });

  route(contract.removeMember, async ({ actor, params }) => {
    await conversations.removeMember(actor, params.id, params.userId);
    return { status: 204 };
  });

  route(contract.transferOwnership, async ({ actor, params, body }) => {
    await conversations.transferOwnership(actor, params.id, body.userId);
    return { status: 204 };
  });

  route(contract.history, async ({ actor, params, query }) => ({
    status: 200,
    body: await messages.history(actor.userId, params.id, query),
  }));

  route(contract.send, async ({ actor, params: { id }, body, request }) => {
    const clientId = idempotencyKey(body.clientId, request.headers['idempotency-key']);
    if (body.type === 'text' && body.text.trim() === '') throw new HeraldError(ErrorCode.BadRequest, 'a text message needs non-empty text');
    if (body.type !== 'text' && !body.attachment) throw new HeraldError(ErrorCode.BadRequest, `a ${body.type} message needs an attachment`);
    const result = await messages.send(actor.userId, {
      conversationId: id,
      clientId,
      type: body.type,
      text: body.text,
      replyTo: body.replyTo,
      attachment: body.attachment,
      senderRole: actor.role,
    });
    return { status: result.duplicate ? 200 : 201, body: { message: result.message, duplicate: result.duplicate } };
  });

  route(contract.editMessage, async ({ actor, params, body, request }) => {
    const clientId = idempotencyKey(body.clientId, request.headers['idempotency-key']);
    const input = { conversationId: params.id, messageId: params.messageId, clientId, text: body.text };
    return { status: 200, body: await (await changes.edit(actor, input)).written };
  });

  route(contract.deleteMessage, async ({ actor, params, request }) => {
    const clientId = idempotencyKey(undefined, request.headers['idempotency-key']);
    const input = { conversationId: params.id, messageId: params.messageId, clientId };
    return { status: 200, body: await (await changes.delete(actor, input)).written };
  });

  route(contract.react, async ({ actor, params, body, request }) => {
    const clientId = idempotencyKey(body.clientId, request.headers['idempotency-key']);
    const input = { conversationId: params.id, messageId: params.messageId, clientId, emoji: body.emoji, remove: body.remove };
    return { status: 200, body: await (await changes.react(actor, input)).written };
  });
}
