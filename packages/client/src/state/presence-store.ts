/**
 * PresenceStore: the presence of a fixed set of users, for as long as something shows them (the
 * store is subscribed): it acquires them from the client's PresenceInterest, which watches them on
 * the server (`presence_subscribe`, current state in the ack, then `presence_batch` changes) and
 * releases them when the store stops. The snapshot maps user id → Presence for the users known
 * so far. Invariant: only the store's own users appear in its snapshot.
 */

import type { Presence } from '@herald/protocol';
import type { Timers } from '../environment.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';
import { presenceInterestOf } from './presence-interest.js';

export type PresenceMap = Readonly<Record<string, Presence>>;

const NONE: PresenceMap = Object.freeze({});

export class PresenceStore extends ExternalStore<PresenceMap> {
  private readonly wanted: ReadonlySet<string>;
  private stop: (() => void) | null = null;

  constructor(
    private readonly client: ClientPort,
    userIds: readonly string[],
    timers?: Timers,
  ) {
    super(NONE, timers);
    this.wanted = new Set(userIds);
  }

  protected onStart(): void {
    if (this.wanted.size === 0) return;
    const interest = presenceInterestOf(this.client, this.timers);
    const stopListening = interest.listen((changed) => {
      for (const userId of changed) {
        if (this.wanted.has(userId)) {
          this.refresh();
          return;
        }
      }
    });
    interest.acquire(this.wanted);
    this.refresh();
    this.stop = () => {
      stopListening();
      interest.release(this.wanted);
    };
  }

  protected onStop(): void {
    this.stop?.();
    this.stop = null;
  }

  /** The snapshot again from what the interest knows; the same object when nothing of this store's users changed. */
  private refresh(): void {
    const interest = presenceInterestOf(this.client, this.timers);
    const current = this.getSnapshot();
    const next: Record<string, Presence> = {};
    let same = true;
    for (const userId of this.wanted) {
      const presence = interest.get(userId);
      if (presence) next[userId] = presence;
      if (presence !== current[userId]) same = false;
    }
    if (!same) this.setState(Object.freeze(next));
  }
}

/** The client's PresenceStore for this set of users (order and repeats do not matter). */
export function presenceStoreFor(client: HeraldClient, userIds: readonly string[]): PresenceStore {
  const ids = [...new Set(userIds)].sort();
  return perClient(client, `presence:${ids.join(',')}`, () => new PresenceStore(client, ids));
}
