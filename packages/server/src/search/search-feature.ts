/**
 * The message search feature: the socket action `search` (answered with an ack) and
 * `GET /api/v1/search`, both through one SearchService on the dialect's SearchRepository.
 * Invariant: both faces answer the same request with the same page, errors and limit (`search_user`).
 */
import { restContract } from '@herald/protocol';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../metrics.js';
import type { SearchRepository } from './search-repository.js';
import { type SearchLimits, SearchService } from './search-service.js';

export interface SearchFeatureDeps {
  repository: SearchRepository;
  conversations: Pick<ConversationService, 'assertMember'>;
  counters: CounterStore;
  metrics: Pick<Metrics, 'limitRejections'>;
  authenticate: Authenticator;
  limits: SearchLimits;
}

export function searchFeature(deps: SearchFeatureDeps): Feature {
  const service = new SearchService(deps);
  deps.repository.start?.();
  return {
    name: 'search',
    close: () => deps.repository.close?.(),
    async routes(app) {
      const route = contractRoutes(app, { authenticate: deps.authenticate });
      route(restContract.search.messages, async ({ actor, query }) => ({
        status: 200,
        body: await service.search(actor.userId, query),
      }));
    },
    frames: {
      search: handlerFor('search', async (connection, frame, userId) => {
        ack(connection, frame, await service.search(userId, frame.data));
      }),
    },
  };
}
