/**
 * /api/v1/conversations: create, list, members, history, and sending over HTTP
 * (same MessageService path as the socket, same idempotency key).
 */
import { randomUUID } from 'node:crypto';
import {
  AddMembersBodySchema,
  CreateConversationBodySchema,
  ErrorCode,
  HeraldError,
  HistoryQuerySchema,
  PostMessageBodySchema,
} from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Authenticator } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import type { MessageService } from '../messages/message-service.js';
import type { ConversationService } from './conversation-service.js';

export interface ConversationRoutesDeps {
  conversations: ConversationService;
  messages: MessageService;
  authenticate: Authenticator;
}

const IdParams = z.object({ id: z.string().min(1).max(64) });

export async function conversationRoutes(app: FastifyInstance, deps: ConversationRoutesDeps): Promise<void> {
  const { conversations, messages, authenticate } = deps;

  app.post('/api/v1/conversations', async (request, reply) => {
    const actor = await authenticate(request);
    const conversation = await conversations.create(actor, parse(CreateConversationBodySchema, request.body));
    return reply.status(201).send({ conversation });
  });

  app.get('/api/v1/conversations', async (request) => ({ conversations: await conversations.list(await authenticate(request)) }));

  app.get('/api/v1/conversations/:id', async (request) => {
    const actor = await authenticate(request);
    return { conversation: await conversations.get(actor, parse(IdParams, request.params, 'path').id) };
  });

  app.post('/api/v1/conversations/:id/members', async (request) => {
    const actor = await authenticate(request);
    const { id } = parse(IdParams, request.params, 'path');
    const { userIds } = parse(AddMembersBodySchema, request.body);
    return { members: await conversations.addMembers(actor, id, userIds) };
  });

  app.delete('/api/v1/conversations/:id/members/:userId', async (request, reply) => {
    const actor = await authenticate(request);
    const { id, userId } = parse(IdParams.extend({ userId: z.string().min(1).max(64) }), request.params, 'path');
    await conversations.removeMember(actor, id, userId);
    return reply.status(204).send();
  });

  app.get('/api/v1/conversations/:id/messages', async (request) => {
    const actor = await authenticate(request);
    const { id } = parse(IdParams, request.params, 'path');
    const query = parse(HistoryQuerySchema, request.query, 'query');
    return messages.history(actor.userId, id, query);
  });

  app.post('/api/v1/conversations/:id/messages', async (request, reply) => {
    const actor = await authenticate(request);
    const { id } = parse(IdParams, request.params, 'path');
    const body = parse(PostMessageBodySchema, request.body);
    const header = request.headers['idempotency-key'];
    const clientId = body.clientId ?? (typeof header === 'string' && header.length > 0 ? header : undefined);
    if (clientId !== undefined && clientId.length > 64)
      throw new HeraldError(ErrorCode.BadRequest, 'Idempotency-Key is longer than 64 characters');
    if (body.type === 'text' && body.text.trim() === '') throw new HeraldError(ErrorCode.BadRequest, 'a text message needs non-empty text');
    if (body.type !== 'text' && !body.attachment) throw new HeraldError(ErrorCode.BadRequest, `a ${body.type} message needs an attachment`);
    const result = await messages.send(actor.userId, {
      conversationId: id,
      clientId: clientId ?? randomUUID(),
      type: body.type,
      text: body.text,
      replyTo: body.replyTo,
      attachment: body.attachment,
    });
    return reply.status(result.duplicate ? 200 : 201).send({ message: result.message, duplicate: result.duplicate });
  });
}
