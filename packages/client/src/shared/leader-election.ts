/**
 * LeaderElection: which tab of one origin and user owns the shared socket. With Web Locks the
 * leader is the holder of one lock, so a closed or crashed tab hands over at once (the browser
 * releases its lock); without them (older Safari) the leader is whoever claimed after
 * `silenceMs` without a heartbeat, and the highest (epoch, id) wins a tie.
 * The leader posts a heartbeat every `heartbeatMs`. A follower that hears none for `silenceMs`
 * (the leader is frozen: alive, so its lock is still held) steals the lock; when the frozen tab
 * wakes, its lock request rejects, or it hears a newer epoch, and it steps down (and the hub
 * closes its socket), so there is never a second socket for long.
 * Invariants: only joined tabs (that want a connection) compete; `leave()` releases the lock and
 * says `bye`; listeners hear every change of role or of the followed leader.
 */
import type { TimerHandle, Timers } from '../environment.js';
import { Subscribable } from '../subscribable.js';
import type { TabChannel, TabMessage } from './tab-channel.js';

/** `idle`: not competing (no connection wanted); `follower`: another tab (`leader`, once heard) owns the socket. */
export type Role = 'idle' | 'follower' | 'leader';

/** The part of `navigator.locks` used here. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: () => Promise<void>): Promise<unknown>;
}

export interface ElectionOptions {
  id: string;
  channel: TabChannel;
  lockName: string;
  /** `navigator.locks`, or null to elect over the channel alone. */
  locks: LockManagerLike | null;
  timers: Timers;
  /** Leader heartbeat period (default 250 ms). */
  heartbeatMs?: number;
  /** Silence after which the leader counts as gone or frozen (default 1000 ms). */
  silenceMs?: number;
}

export class LeaderElection extends Subscribable<() => void> {
  role: Role = 'idle';
  /** The leader this tab follows (itself when leading); null until one is heard. */
  leader: string | null = null;
  #leaderEpoch = 0;
  #maxEpoch = 0;
  #lastHeard = 0;
  #attempt = 0;
  #abort: AbortController | null = null;
  #release: (() => void) | null = null;
  #timer: TimerHandle | undefined;
  readonly #heartbeatMs: number;
  readonly #silenceMs: number;
  readonly #stopListening: () => void;

  readonly #options: ElectionOptions;
  constructor(options: ElectionOptions) {
    super();
    this.#options = options;
    this.#heartbeatMs = options.heartbeatMs ?? 250;
    this.#silenceMs = options.silenceMs ?? 1_000;
    this.#stopListening = options.channel.subscribe((message) => this.#channelOnMessage(message));
  }

  /** Compete for leadership (the client wants a connection). */
  join(): void {
    if (this.role !== 'idle') return;
    this.#lastHeard = this.#options.timers.now();
    this.#set('follower', this.leader);
    if (this.#options.locks) this.#requestLock(false);
    this.#tick();
  }

  /** Stop competing; a leader releases the lock and says `bye` so another tab takes over now. */
  leave(): void {
    if (this.role === 'idle') return;
    if (this.role === 'leader') this.#options.channel.post({ t: 'bye', from: this.#options.id });
    this.#attempt++;
    this.#abort?.abort();
    this.#abort = null;
    this.#release?.();
    this.#release = null;
    this.#clearTimer();
    this.#set('idle', this.role === 'leader' ? null : this.leader);
  }

  dispose(): void {
    this.leave();
    this.#stopListening();
  }

  #requestLock(steal: boolean): void {
    const locks = this.#options.locks;
    if (!locks) return;
    const token = ++this.#attempt;
    this.#abort?.abort();
    this.#abort = steal ? null : new AbortController();
    const options = this.#abort ? { signal: this.#abort.signal } : { steal: true };
    locks
      .request(this.#options.lockName, options, () => {
        if (token !== this.#attempt || this.role !== 'follower') return Promise.resolve();
        return new Promise<void>((resolve) => {
          this.#release = resolve;
          this.#becomeLeader();
        });
      })
      // Aborted by us (a newer request owns `attempt`), or stolen from us while frozen: step down.
      .catch(() => token === this.#attempt && this.role === 'leader' && this.#stepDown());
  }

  #becomeLeader(): void {
    this.#maxEpoch++;
    this.#leaderEpoch = this.#maxEpoch;
    this.#set('leader', this.#options.id);
    this.#options.channel.post({ t: 'hb', from: this.#options.id, epoch: this.#leaderEpoch });
  }

  #stepDown(): void {
    this.#release?.();
    this.#release = null;
    this.#lastHeard = this.#options.timers.now();
    this.#set('follower', null);
    if (this.#options.locks) this.#requestLock(false);
  }

  #tick(): void {
    this.#clearTimer();
    if (this.role === 'idle') return;
    if (this.role === 'leader') {
      this.#options.channel.post({ t: 'hb', from: this.#options.id, epoch: this.#leaderEpoch });
    } else if (this.#options.timers.now() - this.#lastHeard >= this.#silenceMs) {
      // Gone without a word, or frozen: take over (steal the lock a frozen tab still holds).
      this.#lastHeard = this.#options.timers.now();
      if (this.#options.locks) this.#requestLock(true);
      else this.#becomeLeader();
    }
    this.#timer = this.#options.timers.setTimeout(() => this.#tick(), this.#heartbeatMs);
  }

  #channelOnMessage(message: TabMessage): void {
    if (message.t === 'hb') {
      this.#maxEpoch = Math.max(this.#maxEpoch, message.epoch);
      const newer = message.epoch > this.#leaderEpoch || (message.epoch === this.#leaderEpoch && message.from > (this.leader ?? ''));
      if (this.role === 'leader') {
        if (newer) this.#stepDown();
        else return;
      }
      if (message.from !== this.leader && !newer && this.leader !== null) return;
      this.#leaderEpoch = message.epoch;
      this.#lastHeard = this.#options.timers.now();
      if (message.from !== this.leader) this.#set(this.role, message.from);
    } else if (message.t === 'bye' && message.from === this.leader && this.role !== 'leader') {
      this.#set(this.role, null);
      // Without locks nobody is queued for the lock: the first to notice claims at once.
      if (this.role === 'follower' && !this.#options.locks) {
        this.#lastHeard = Number.NEGATIVE_INFINITY;
        this.#tick();
      }
    }
  }

  #set(role: Role, leader: string | null): void {
    if (role === this.role && leader === this.leader) return;
    this.role = role;
    this.leader = leader;
    this.notify();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
