/**
 * The server publish API: `POST /api/v1/publish`, authenticated by a server API key, lets a
 * backend send a chat message as a user, broadcast a notification, or push a custom event; and
 * `/api/v1/admin/api-keys` lets admins create, list and revoke those keys.
 * Invariant: every operation runs the same path as its user-facing twin — messages through
 * MessageService.send (membership, idempotency, seq, persistence, fan-out, offline delivery),
 * notifications through the one NotificationService, events through DirectPush.
 */
import { randomUUID } from 'node:crypto';
import { CreateApiKeyBodySchema, ErrorCode, HeraldError, type PublishBody, PublishBodySchema } from '@herald/protocol';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../feature.js';
import { type Authenticator, requireAdmin } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import type { MessageService } from '../messages/message-service.js';
import type { DirectPush } from '../notifications/direct-push.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ApiKeyRepository } from './api-key-repository.js';
import { ApiKeyService } from './api-key-service.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });

export interface PublishFeatureDeps {
  apiKeys: ApiKeyRepository;
  messages: MessageService;
  notifications: NotificationService;
  direct: DirectPush;
  authenticate: Authenticator;
}

export function publishFeature(deps: PublishFeatureDeps): Feature {
  const keys = new ApiKeyService(deps.apiKeys);
  const { authenticate } = deps;

  return {
    name: 'publish',

    async routes(app) {
      app.post('/api/v1/admin/api-keys', async (request, reply) => {
        const admin = await requireAdmin(authenticate, request);
        const { name } = parse(CreateApiKeyBodySchema, request.body);
        return reply.status(201).send(await keys.create(name, admin.userId));
      });

      app.get('/api/v1/admin/api-keys', async (request) => {
        await requireAdmin(authenticate, request);
        return { apiKeys: await keys.list() };
      });

      app.delete('/api/v1/admin/api-keys/:id', async (request, reply) => {
        await requireAdmin(authenticate, request);
        await keys.revoke(parse(IdParams, request.params, 'path').id);
        return reply.status(204).send();
      });

      app.post('/api/v1/publish', async (request, reply) => {
        const apiKey = await keys.authenticate(request);
        const body = parse(PublishBodySchema, request.body);
        request.log.info({ apiKey: apiKey.id, kind: body.kind }, 'publish');
        return publish(deps, body, reply);
      });
    },
  };
}

async function publish(deps: PublishFeatureDeps, body: PublishBody, reply: FastifyReply): Promise<FastifyReply> {
  const { notifications, direct } = deps;
  switch (body.kind) {
    case 'message': {
      if (body.type === 'text' && body.text.trim() === '')
        throw new HeraldError(ErrorCode.BadRequest, 'a text message needs non-empty text');
      if (body.type !== 'text' && !body.attachment)
        throw new HeraldError(ErrorCode.BadRequest, `a ${body.type} message needs an attachment`);
      const result = await deps.messages.send(body.senderId, {
        conversationId: body.conversationId,
        clientId: body.clientId ?? randomUUID(),
        type: body.type,
        text: body.text,
        replyTo: body.replyTo,
        attachment: body.attachment,
      });
      return reply.status(result.duplicate ? 200 : 201).send({ message: result.message, duplicate: result.duplicate });
    }
    case 'notification': {
      const { kind: _kind, ...input } = body;
      return reply.status(201).send({ notification: await notifications.broadcast(input, null) });
    }
    case 'event': {
      if ((body.conversationId === undefined) === (body.target === undefined)) {
        throw new HeraldError(ErrorCode.BadRequest, 'an event needs exactly one of conversationId or target');
      }
      if (body.conversationId !== undefined) await direct.toConversation(body.conversationId, body.event, body.payload);
      else if (body.target) await direct.toUser(body.target, body.event, body.payload);
      return reply.status(202).send({ delivered: 'queued' });
    }
  }
}
