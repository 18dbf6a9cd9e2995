/**
 * PresenceStore: the presence of a fixed set of users: asked with `presence_query` on every
 * connect (presence may have changed while this client was offline), then kept current by
 * `presence_update` frames. The snapshot maps user id → Presence for the users known so far.
 * Invariant: only the store's own users appear in its snapshot.
 */

import type { Presence } from '@herald/protocol';
import type { Timers } from '../environment.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';

export type PresenceMap = Readonly<Record<string, Presence>>;

const NONE: PresenceMap = Object.freeze({});
const QUERY_MAX = 500;

export class PresenceStore extends ExternalStore<PresenceMap> {
  private readonly wanted: ReadonlySet<string>;
  private stops: (() => void)[] = [];
  private generation = 0;
  /** Users whose live update arrived while a query was out: the (older) answer must not undo it. */
  private fresher: Set<string> | null = null;

  constructor(
    private readonly client: ClientPort,
    userIds: readonly string[],
    timers?: Timers,
  ) {
    super(NONE, timers);
    this.wanted = new Set(userIds);
  }

  protected onStart(): void {
    this.stops = [
      this.client.on('presence_update', (frame) => {
        this.fresher?.add(frame.data.userId);
        this.apply([frame.data]);
      }),
      this.client.subscribe((state, previous) => {
        if (state.status === 'connected' && previous.status !== 'connected') void this.query();
      }),
    ];
    if (this.client.getState().status === 'connected') void this.query();
  }

  protected onStop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.generation++;
  }

  private async query(): Promise<void> {
    const ids = [...this.wanted];
    const generation = ++this.generation;
    const fresher = new Set<string>();
    this.fresher = fresher;
    try {
      for (let start = 0; start < ids.length; start += QUERY_MAX) {
        const { presence } = await this.client.request('presence_query', { userIds: ids.slice(start, start + QUERY_MAX) });
        if (generation !== this.generation) return;
        this.apply(presence.filter((p) => !fresher.has(p.userId)));
      }
    } catch {
      // The next connect asks again; live updates keep coming meanwhile.
    } finally {
      if (this.fresher === fresher) this.fresher = null;
    }
  }

  private apply(updates: readonly Presence[]): void {
    let next: Record<string, Presence> | null = null;
    for (const presence of updates) {
      if (!this.wanted.has(presence.userId)) continue;
      const current = (next ?? this.getSnapshot())[presence.userId];
      if (current && samePresence(current, presence)) continue;
      next ??= { ...this.getSnapshot() };
      next[presence.userId] = presence;
    }
    if (next) this.setState(Object.freeze(next));
  }
}

function samePresence(a: Presence, b: Presence): boolean {
  return a.online === b.online && a.lastSeenAt === b.lastSeenAt && a.deviceTypes.join() === b.deviceTypes.join();
}

/** The client's PresenceStore for this set of users (order and repeats do not matter). */
export function presenceStoreFor(client: HeraldClient, userIds: readonly string[]): PresenceStore {
  const ids = [...new Set(userIds)].sort();
  return perClient(client, `presence:${ids.join(',')}`, () => new PresenceStore(client, ids));
}
