/**
 * seedAccounts: many accounts at once on a running test server, written through its own
 * repositories with a real session each and a real access token signed with the server's secret,
 * instead of hundreds of argon2 registrations (~0.1 s of CPU each). For tests that need a crowd
 * (a 300-member group), not for tests of registration itself. The accounts have no usable password.
 */
import { AccessTokens } from '@herald/server';
import type { TestServer } from './test-server.js';

export interface SeededAccount {
  user: { id: string; name: string };
  accessToken: string;
}

export async function seedAccounts(server: TestServer, count: number, prefix: string): Promise<SeededAccount[]> {
  const { repositories, config } = server.server;
  if (!config.jwtSecret) throw new Error('seedAccounts needs a server started with HERALD_JWT_SECRET');
  const tokens = new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds);
  const accounts: SeededAccount[] = [];
  for (let i = 0; i < count; i++) {
    const user = await repositories.accounts.createUser({
      email: `${prefix.toLowerCase()}-${i}-${Math.random().toString(36).slice(2, 10)}@example.test`,
      name: `${prefix}${i}`,
      passwordHash: 'seeded: no password sign-in',
      role: 'user',
    });
    const session = await repositories.sessions.createSession({
      userId: user.id,
      deviceName: 'test',
      userAgent: null,
      ip: null,
      expiresAt: Date.now() + 24 * 3600 * 1000,
    });
    accounts.push({ user: { id: user.id, name: user.name }, accessToken: (await tokens.sign(user.id, user.role, session.id)).token });
  }
  return accounts;
}
