/**
 * The push feature: a device's Web Push subscription (`/api/v1/push/...`: the VAPID public key,
 * subscribe, list, remove) and a member's per-conversation mute (`PUT /conversations/:id/mute`),
 * which the WebPushNotifier honours. Subscription endpoints pass the endpoint policy (SSRF) before
 * they are stored; the notifier's timers stop with the feature.
 */
import { ErrorCode, HeraldError, PUSH_SUBSCRIPTIONS_MAX, type PushSubscriptionView, restContract } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import { deviceLabel } from '../auth/user-agent.js';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { ConversationMutes } from './conversation-mutes.js';
import { checkPushEndpoint, type EndpointPolicyOptions } from './endpoint-policy.js';
import type { PushSubscriptionRepository, StoredPushSubscription } from './push-subscription-repository.js';

export interface PushFeatureDeps {
  subscriptions: PushSubscriptionRepository;
  mutes: ConversationMutes;
  vapidPublicKey: string;
  endpoints: EndpointPolicyOptions;
  authenticate: Authenticator;
  /** Stops the notifier (pending bursts and retries) at shutdown. */
  closeNotifier?: () => void;
}

export function pushFeature(deps: PushFeatureDeps): Feature {
  const { subscriptions, mutes, authenticate } = deps;
  return {
    name: 'push',

    async routes(app) {
      const route = contractRoutes(app, { authenticate });

      route(restContract.push.vapidKey, async () => ({ status: 200, body: { publicKey: deps.vapidPublicKey } }));

      route(restContract.push.subscribe, async ({ actor, body, request }) => {
        const endpoint = checkPushEndpoint(body.endpoint, deps.endpoints);
        const { subscription, created } = await subscriptions.upsert(
          actor.userId,
          { endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, label: body.label ?? labelOf(request), preview: body.preview },
          Date.now(),
          PUSH_SUBSCRIPTIONS_MAX,
        );
        return { status: created ? 201 : 200, body: { subscription: view(subscription) } };
      });

      route(restContract.push.list, async ({ actor }) => ({
        status: 200,
        body: { subscriptions: (await subscriptions.listForUser(actor.userId)).map(view) },
      }));

      route(restContract.push.remove, async ({ actor, params }) => {
        if (!(await subscriptions.remove(actor.userId, params.id))) throw new HeraldError(ErrorCode.NotFound, 'no such push subscription');
        return { status: 204 };
      });

      route(restContract.conversations.mute, async ({ actor, params, body }) => ({
        status: 200,
        body: await mutes.set(actor.userId, params.id, body.muted),
      }));
    },

    close() {
      deps.closeNotifier?.();
    },
  };
}

/** What the owner sees of a subscription: never its keys. */
function view(subscription: StoredPushSubscription): PushSubscriptionView {
  const { id, endpoint, label, preview, createdAt, updatedAt } = subscription;
  return { id, endpoint, label, preview, createdAt, updatedAt };
}

function labelOf(request: FastifyRequest): string {
  const agent = request.headers['user-agent'];
  return deviceLabel(typeof agent === 'string' ? agent.slice(0, 512) : null) ?? 'Browser';
}
