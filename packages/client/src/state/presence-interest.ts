/**
 * PresenceInterest: one client's watches of users' presence, shared by every PresenceStore of that
 * client. Stores `acquire` the users they show and `release` them when they stop showing them;
 * the first acquire of a user sends `presence_subscribe` (whose ack is the user's current state),
 * the last release `presence_unsubscribe`, both coalesced per timer turn and sent in chunks of
 * PRESENCE_IDS_MAX. Changes arrive as `presence_batch` (watched users) and `presence_update` (members
 * of small conversations). A new connection starts with no watches on the server, so on every
 * `connected` every user still wanted is subscribed again.
 * Invariants: a user is watched on the server at most once however many stores show it; `known`
 * holds only wanted users; a live change that arrives while a subscribe is out is not undone by
 * the subscribe's (older) answer.
 */
import { PRESENCE_IDS_MAX, type Presence } from '@herald/protocol';
import { systemTimers, type TimerHandle, type Timers } from '../environment.js';
import type { ClientPort } from './client-port.js';

type Listener = (changed: ReadonlySet<string>) => void;

export class PresenceInterest {
  readonly #client: ClientPort;
  readonly #timers: Timers;
  readonly #wanted = new Map<string, number>();
  readonly #known = new Map<string, Presence>();
  readonly #listeners = new Set<Listener>();
  #toSubscribe = new Set<string>();
  #toUnsubscribe = new Set<string>();
  #flushTimer: TimerHandle | undefined;
  /** Per subscribe in flight: users whose live change arrived after it was sent. */
  readonly #fresher = new Set<Set<string>>();
  #stops: (() => void)[] = [];

  constructor(client: ClientPort, timers: Timers = systemTimers) {
    this.#client = client;
    this.#timers = timers;
  }

  /** The latest presence known of a wanted user. */
  get(userId: string): Presence | undefined {
    return this.#known.get(userId);
  }

  /** Users watched now (for tests and leak checks). */
  get size(): number {
    return this.#wanted.size;
  }

  /** Told of the users whose presence changed; returns an unsubscribe function. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  acquire(userIds: Iterable<string>): void {
    if (this.#wanted.size === 0) this.#start();
    for (const userId of userIds) {
      const count = this.#wanted.get(userId) ?? 0;
      this.#wanted.set(userId, count + 1);
      if (count > 0) continue;
      if (!this.#toUnsubscribe.delete(userId)) this.#toSubscribe.add(userId);
    }
    this.#schedule();
  }

  release(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      const count = this.#wanted.get(userId);
      if (count === undefined) continue;
      if (count > 1) {
        this.#wanted.set(userId, count - 1);
        continue;
      }
      this.#wanted.delete(userId);
      this.#known.delete(userId);
      if (!this.#toSubscribe.delete(userId)) this.#toUnsubscribe.add(userId);
    }
    this.#schedule();
    if (this.#wanted.size === 0) this.#stop();
  }

  #start(): void {
    this.#stops = [
      this.#client.on('presence_batch', (frame) => this.#apply(frame.data.presence, true)),
      this.#client.on('presence_update', (frame) => this.#apply([frame.data], true)),
      this.#client.subscribe((state, previous) => {
        if (state.status !== 'connected' || previous.status === 'connected') return;
        // A new connection watches nothing yet: everything wanted is subscribed again.
        this.#toUnsubscribe.clear();
        this.#toSubscribe = new Set(this.#wanted.keys());
        this.#schedule();
      }),
    ];
  }

  #stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  #schedule(): void {
    if (this.#flushTimer !== undefined || (this.#toSubscribe.size === 0 && this.#toUnsubscribe.size === 0)) return;
    this.#flushTimer = this.#timers.setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, 0);
  }

  #flush(): void {
    // Not connected: the next `connected` subscribes everything wanted, and the old watches died with the old socket.
    if (this.#client.getState().status !== 'connected') {
      this.#toUnsubscribe.clear();
      return;
    }
    const subscribe = [...this.#toSubscribe];
    const unsubscribe = [...this.#toUnsubscribe];
    this.#toSubscribe.clear();
    this.#toUnsubscribe.clear();
    for (let start = 0; start < unsubscribe.length; start += PRESENCE_IDS_MAX) {
      const userIds = unsubscribe.slice(start, start + PRESENCE_IDS_MAX);
      this.#client.request('presence_unsubscribe', { userIds }).catch(() => undefined);
    }
    for (let start = 0; start < subscribe.length; start += PRESENCE_IDS_MAX)
      void this.#subscribe(subscribe.slice(start, start + PRESENCE_IDS_MAX));
  }

  async #subscribe(userIds: string[]): Promise<void> {
    const fresher = new Set<string>();
    this.#fresher.add(fresher);
    try {
      const { presence } = await this.#client.request('presence_subscribe', { userIds });
      this.#apply(
        presence.filter((p) => !fresher.has(p.userId)),
        false,
      );
    } catch {
      // Refused or the connection dropped: the next `connected` subscribes again; a refusal (too many) leaves these unknown.
    } finally {
      this.#fresher.delete(fresher);
    }
  }

  #apply(updates: readonly Presence[], live: boolean): void {
    const changed = new Set<string>();
    for (const presence of updates) {
      const { userId } = presence;
      if (!this.#wanted.has(userId)) continue;
      if (live) for (const fresher of this.#fresher) fresher.add(userId);
      const current = this.#known.get(userId);
      if (current && samePresence(current, presence)) continue;
      this.#known.set(userId, presence);
      changed.add(userId);
    }
    if (changed.size > 0) for (const listener of this.#listeners) listener(changed);
  }
}

function samePresence(a: Presence, b: Presence): boolean {
  return a.online === b.online && a.lastSeenAt === b.lastSeenAt && a.deviceTypes.join() === b.deviceTypes.join();
}

const interests = new WeakMap<ClientPort, PresenceInterest>();

/** The one PresenceInterest of a client. */
export function presenceInterestOf(client: ClientPort, timers?: Timers): PresenceInterest {
  let interest = interests.get(client);
  if (!interest) {
    interest = new PresenceInterest(client, timers);
    interests.set(client, interest);
  }
  return interest;
}
