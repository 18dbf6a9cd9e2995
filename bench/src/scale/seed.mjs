/**
 * Users prepared in advance for the scale scenarios: accounts, sessions and access tokens written
 * straight into a fresh SQLite data directory with the server's own repositories and token signer
 * (its build, as presence-tick.mjs imports it), so 50,000 users cost seconds, not the hours argon2
 * registration would take. The accounts share one placeholder password hash (nobody signs in with a
 * password here); the tokens are real, signed with the secret the measured server is then given, and
 * their sessions exist, so every socket passes the server's real checks.
 * Invariant: the server is started on this directory only after `seedUsers` returned (and closed it).
 */
import { join } from 'node:path';

const dist = new URL('../../../packages/server/dist/', import.meta.url);

/**
 * @param {{ dataDir: string, secret: string, users: number, groups?: number[] }} options
 *   `groups`: sizes of group conversations to make, each of the first N users (the first is the owner).
 * @returns {Promise<{ tokens: string[], userIds: string[], groupIds: string[] }>}
 */
export async function seedUsers({ dataDir, secret, users, groups = [] }) {
  /** @type {typeof import('../../../packages/server/src/store/database-handle.js')} */
  const { openDatabase } = await import(new URL('store/database-handle.js', dist).href);
  /** @type {typeof import('../../../packages/server/src/repositories.js')} */
  const { createRepositories } = await import(new URL('repositories.js', dist).href);
  /** @type {typeof import('../../../packages/server/src/auth/tokens.js')} */
  const { AccessTokens } = await import(new URL('auth/tokens.js', dist).href);
  const database = await openDatabase({ kind: 'sqlite', file: join(dataDir, 'herald.db') });
  try {
    const repositories = createRepositories(database);
    const tokens = new AccessTokens(secret, 7 * 24 * 3600);
    const day = 24 * 3600 * 1000;
    /** @type {string[]} */
    const userIds = [];
    /** @type {string[]} */
    const signed = [];
    // One transaction for all: a commit per row would make this minutes long.
    await database.db.transaction().execute(async (trx) => {
      const scoped = createRepositories({ ...database, db: trx });
      for (let i = 0; i < users; i++) {
        const user = await scoped.accounts.createUser({
          email: `scale-${i}@bench.test`,
          name: `Scale ${i}`,
          passwordHash: 'seeded: no password sign-in',
          role: 'user',
        });
        const session = await scoped.sessions.createSession({
          userId: user.id,
          deviceName: 'bench',
          userAgent: null,
          ip: null,
          expiresAt: Date.now() + 7 * day,
        });
        userIds.push(user.id);
        signed.push((await tokens.sign(user.id, user.role, session.id)).token);
      }
    });
    /** @type {string[]} */
    const groupIds = [];
    for (const size of groups) {
      const [ownerId, ...members] = userIds.slice(0, size);
      if (!ownerId) throw new Error('a group needs at least one user');
      groupIds.push(
        await repositories.conversations.createConversation({
          kind: 'group',
          title: `group of ${size}`,
          ownerId,
          directKey: null,
          memberIds: [ownerId, ...members],
        }),
      );
    }
    return { tokens: signed, userIds, groupIds };
  } finally {
    await database.close();
  }
}
