/** /api/v1/users/me: the caller changes their own display name and avatar (profile-service.ts). */
import { restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AccountRepository } from '../auth/account-repository.js';
import { publicUser } from '../auth/account-repository.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { ProfileService } from './profile-service.js';

export interface ProfileRoutesDeps {
  profiles: ProfileService;
  accounts: Pick<AccountRepository, 'findUserById'>;
  authenticate: Authenticator;
}

export async function profileRoutes(app: FastifyInstance, deps: ProfileRoutesDeps): Promise<void> {
  const route = contractRoutes(app, { authenticate: deps.authenticate });

  // Answers with the whole account (as `GET /auth/me` does), so the caller's copy stays complete.
  route(restContract.users.updateMe, async ({ actor, body }) => {
    await deps.profiles.update(actor.userId, body);
    const account = await deps.accounts.findUserById(actor.userId);
    if (!account) throw new Error('the account vanished while its profile was changed');
    return { status: 200, body: { user: publicUser(account) } };
  });
}
