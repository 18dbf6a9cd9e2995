/**
 * The server publish API: `POST /api/v1/publish`, authenticated by a server API key, lets a
 * backend send a chat message as one of the users its key names, broadcast a notification, or push
 * a custom event, each only within the key's scopes; and `/api/v1/admin/api-keys` lets admins
 * create, list and revoke those keys.
 * Invariants: nothing is published before the key is authenticated (live, creator an admin now)
 * and the body is inside its scopes (api-key-scope.ts); every operation then runs the same path as
 * its user-facing twin — messages through MessageService.send (membership, idempotency, seq,
 * persistence, fan-out, offline delivery), notifications through the one NotificationService,
 * events through DirectPush.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, HeraldError, type PublishBody, restContract } from '@herald/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Authority } from '../auth/authority.js';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes, type RouteReply } from '../http/contract-routes.js';
import type { MessageService } from '../messages/message-service.js';
import type { DirectPush } from '../notifications/direct-push.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ApiKeyRepository } from './api-key-repository.js';
import { ApiKeyService } from './api-key-service.js';

export interface PublishFeatureDeps {
  apiKeys: ApiKeyRepository;
  messages: MessageService;
  notifications: NotificationService;
  direct: DirectPush;
  authenticate: Authenticator;
  /** Whether a key's creator is an admin now. */
  authority: Pick<Authority, 'roleOf'>;
  audit: AuditLog;
}

export function publishFeature(deps: PublishFeatureDeps): Feature {
  const keys = new ApiKeyService(deps.apiKeys, deps.authority, deps.audit);
  const { authenticate } = deps;

  return {
    name: 'publish',

    async routes(app) {
      const route = contractRoutes(app, { authenticate, apiKey: (request) => keys.authenticate(request) });
      const contract = restContract.admin;

      route(contract.createApiKey, async ({ actor, body }) => ({ status: 201, body: await keys.create(actor.userId, body) }));

      route(contract.listApiKeys, async () => ({ status: 200, body: { apiKeys: await keys.list() } }));

      route(contract.revokeApiKey, async ({ actor, params }) => {
        await keys.revoke(actor.userId, params.id);
        return { status: 204 };
      });

      route(restContract.publish.publish, async ({ actor: apiKey, body, request }) => {
        await keys.authorize(apiKey, body);
        request.log.info({ apiKey: apiKey.id, kind: body.kind }, 'publish');
        return publish(deps, body);
      });
    },
  };
}

async function publish(deps: PublishFeatureDeps, body: PublishBody): Promise<RouteReply<typeof restContract.publish.publish>> {
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
      return { status: result.duplicate ? 200 : 201, body: { message: result.message, duplicate: result.duplicate } };
    }
    case 'notification': {
      const { kind: _kind, ...input } = body;
      return { status: 201, body: { notification: await notifications.broadcast(input, null) } };
    }
    case 'event': {
      if ((body.conversationId === undefined) === (body.target === undefined)) {
        throw new HeraldError(ErrorCode.BadRequest, 'an event needs exactly one of conversationId or target');
      }
      if (body.conversationId !== undefined) await direct.toConversation(body.conversationId, body.event, body.payload);
      else if (body.target) await direct.toUser(body.target, body.event, body.payload);
      return { status: 202, body: { delivered: 'queued' } };
    }
  }
}
