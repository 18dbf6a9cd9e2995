/**
 * /api/v1/users/*: finding people (search), blocking, and the admin's role changes.
 * Invariants: only an admin's search shows emails, roles and whether an account is disabled, or
 * matches on part of an email; anyone else sees `{ id, name, avatar }` and finds a user by name, or
 * by their exact email (to start a conversation) — never by part of one, so emails cannot be
 * enumerated. A role change is announced on the bus (`user_changed`), so every node re-reads the
 * role instead of trusting a copy.
 */
import { ErrorCode, HeraldError, restContract, type User, type UserSearchResult, type UserSummary } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { type AccountRepository, type UserAccount, userAccount } from '../auth/account-repository.js';
import type { Actor } from '../auth/actor.js';
import type { Bus } from '../bus/bus.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { BlockList } from './block-list.js';
import type { UserDirectory } from './user-directory.js';

export interface UserRoutesDeps {
  accounts: AccountRepository;
  users: UserDirectory;
  blocks: BlockList;
  bus: Bus;
  authenticate: Authenticator;
  /** Role changes are security events. */
  audit: Pick<AuditLog, 'record'>;
}

/** What a non-admin may see of another user. */
export function userSummary({ id, name, avatar }: Pick<User, 'id' | 'name' | 'avatar'>): UserSummary {
  return { id, name, avatar };
}

export async function userRoutes(app: FastifyInstance, deps: UserRoutesDeps): Promise<void> {
  const { accounts, users, blocks, bus, authenticate } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.users;

  route(contract.search, async ({ actor, query }) => ({
    status: 200,
    body: { users: await search(accounts, actor, query.query, query.limit) },
  }));

  route(contract.setRole, async ({ actor, params: { id }, body: { role } }) => {
    const before = await accounts.findUserById(id);
    const user = await accounts.setUserRole(id, role);
    if (!user) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    users.forget(id);
    await bus.publish({ type: 'user_changed', userId: id });
    await deps.audit.record({
      actor: { kind: 'user', id: actor.userId },
      action: 'user.role_changed',
      targetId: id,
      details: { from: before?.role, to: role },
    });
    return { status: 200, body: { user } };
  });

  route(contract.blocked, async ({ actor }) => ({ status: 200, body: { users: await blocks.listBlocked(actor.userId) } }));

  route(contract.block, async ({ actor, params }) => {
    await blocks.block(actor.userId, params.id);
    return { status: 204 };
  });

  route(contract.unblock, async ({ actor, params }) => {
    await blocks.unblock(actor.userId, params.id);
    return { status: 204 };
  });
}

/** What an admin sees of a user: everything on the wire, and whether the account is disabled. */
function adminView({ disabledAt, ...user }: UserAccount): UserSearchResult {
  return { ...user, disabled: disabledAt !== null };
}

async function search(accounts: AccountRepository, actor: Actor, query: string, limit: number): Promise<UserSearchResult[]> {
  if (actor.role === 'admin') return (await accounts.searchUsers(query, limit, { includeEmail: true })).map(adminView);
  const found = await accounts.searchUsers(query, limit);
  const trimmed = query.trim().toLowerCase();
  // An exact email finds its one owner (emails are stored lowercased); a part of one finds nobody.
  if (trimmed.includes('@') && !found.some((u) => u.email === trimmed)) {
    const owner = await accounts.findUserByEmail(trimmed);
    if (owner) found.unshift(userAccount(owner));
  }
  return found.slice(0, limit).map(userSummary);
}
