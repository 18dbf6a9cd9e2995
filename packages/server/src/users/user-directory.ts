/**
 * UserDirectory: the `sender` profile ({ id, name, avatar }) stamped on frames, cached per node
 * so a broadcast does not query the users table.
 */
import type { Sender } from '@herald/protocol';
import type { AccountRepository } from '../auth/account-repository.js';

const LIMIT = 50_000;

export class UserDirectory {
  private readonly cache = new Map<string, Sender>();

  constructor(private readonly accounts: AccountRepository) {}

  async sender(userId: string): Promise<Sender> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const user = await this.accounts.findUserById(userId);
    const sender: Sender = { id: userId, name: user?.name ?? 'unknown', avatar: user?.avatar ?? null };
    if (this.cache.size >= LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, sender);
    return sender;
  }

  forget(userId: string): void {
    this.cache.delete(userId);
  }
}
