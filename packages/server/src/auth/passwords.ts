/**
 * Password hashing with argon2id, every hash and verify through the node's HashQueue.
 * Parameters: m = 46 MiB, t = 1, p = 1, OWASP's first recommended argon2id configuration
 * (Password Storage Cheat Sheet). Why not argon2's defaults (64 MiB, t = 3, p = 4): p = 4 makes
 * each hash start 4 threads of its own on top of the libuv pool thread it holds, and costs ~3× the
 * time per sign-in on one core; with p = 1 a hash is one pool thread and one core, so the queue's
 * concurrency is exactly what hashing can take from the machine, and 46 MiB per hash bounds memory
 * (concurrency × 46 MiB). Hashes made with other parameters (older accounts) still verify — argon2
 * reads them from the hash — and are re-hashed with these after the next successful sign-in.
 * Invariants: `verify` never throws on bad input (false); unknown emails are verified against a
 * decoy hash with the same parameters, through the same queue, so timing does not reveal which
 * emails exist.
 */
import argon2 from 'argon2';
import type { HashQueue } from './hash-queue.js';

/** argon2id parameters for new hashes (memoryCost in KiB). */
export const ARGON2_PARAMETERS = { type: argon2.argon2id, memoryCost: 47_104, timeCost: 1, parallelism: 1 } as const;

export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  constructor(private readonly queue: HashQueue) {}

  /** A new hash of `password`; throws `rate_limited` (`hash_queue`) when the queue is full. */
  hash(password: string): Promise<string> {
    return this.queue.run(() => argon2.hash(password, ARGON2_PARAMETERS));
  }

  /** False for a wrong password or an unreadable hash; throws only `rate_limited` (`hash_queue`). */
  verify(hash: string, password: string): Promise<boolean> {
    return this.queue.run(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    });
  }

  /** Spends the time of a verify on a hash of a random password (an unknown email); always false. */
  async verifyDecoy(password: string): Promise<false> {
    // Made once per process (through the queue); if that first hash is refused, the next unknown email tries again.
    this.decoy ??= this.hash(`decoy-${Math.random()}`).catch((error: unknown) => {
      this.decoy = undefined;
      throw error;
    });
    await this.verify(await this.decoy, password);
    return false;
  }

  /** True when `hash` was made with other parameters than today's (re-hash it after a successful sign-in). */
  outdated(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, ARGON2_PARAMETERS);
    } catch {
      return false;
    }
  }
}
