/**
 * SharedConnection: one WebSocket per browser for all tabs of an origin and user. It elects a
 * leader (LeaderElection), runs the ConnectionHub while this tab leads and hands the client a
 * ChannelSocket to the leader otherwise; see docs/architecture.md ("One socket per browser").
 * `shareConnection()` returns undefined where the host lacks BroadcastChannel (one socket per tab
 * then); without Web Locks the election runs over the channel alone.
 * Invariants: the hub exists only while this tab leads; frames the leader fans out while this tab
 * has no open port are kept (at most BACKLOG) for the next one; listeners hear role and leader
 * changes and the leader's socket coming up, so a waiting reconnect tries at once.
 */
import type { ConnectionSharing, SharingRole } from '../connection-sharing.js';
import { hostTabApis, systemTimers, type Timers, type WebSocketConstructor, type WebSocketLike } from '../environment.js';
import { newId } from '../ids.js';
import { Subscribable } from '../subscribable.js';
import { ChannelSocket } from './channel-socket.js';
import { ConnectionHub } from './connection-hub.js';
import { LeaderElection, type LockManagerLike } from './leader-election.js';
import { type BroadcastChannelLike, TabChannel } from './tab-channel.js';

const BACKLOG = 2_000;

export interface ShareConnectionOptions {
  /** What tabs share one socket: one key per account (e.g. the user id) and server. */
  key: string;
  /** Default `globalThis.BroadcastChannel`. */
  BroadcastChannel?: new (
    name: string,
  ) => BroadcastChannelLike;
  /** Default `navigator.locks`; null elects over the channel alone. */
  locks?: LockManagerLike | null;
  timers?: Timers;
  /** Leader heartbeat period (default 250 ms). */
  heartbeatMs?: number;
  /** Leader silence after which another tab takes over (default 1000 ms). */
  silenceMs?: number;
}

/** A ConnectionSharing for `createClient({ shareConnection })`, or undefined where the host cannot share. */
export function shareConnection(options: ShareConnectionOptions): SharedConnection | undefined {
  const host = hostTabApis();
  const Channel = options.BroadcastChannel ?? (host.BroadcastChannel as ShareConnectionOptions['BroadcastChannel']);
  if (!Channel) return undefined;
  const locks = options.locks === undefined ? ((host.locks as LockManagerLike | undefined) ?? null) : options.locks;
  return new SharedConnection(new Channel(`herald-connection:${options.key}`), { ...options, locks });
}

export class SharedConnection extends Subscribable<() => void> implements ConnectionSharing {
  /** This tab's id on the channel. */
  readonly id = newId();
  readonly #channel: TabChannel;
  readonly #election: LeaderElection;
  readonly #timers: Timers;
  #hub: ConnectionHub | null = null;
  #socket: ChannelSocket | null = null;
  #backlog: string[] = [];

  constructor(channel: BroadcastChannelLike, options: Omit<ShareConnectionOptions, 'BroadcastChannel'>) {
    super();
    this.#timers = options.timers ?? systemTimers;
    this.#channel = new TabChannel(channel);
    this.#election = new LeaderElection({
      id: this.id,
      channel: this.#channel,
      lockName: `herald-connection:${options.key}`,
      locks: options.locks ?? null,
      timers: this.#timers,
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.silenceMs ? { silenceMs: options.silenceMs } : {}),
    });
    this.#election.subscribe(() => this.#electionChanged());
    this.#channel.subscribe((message) => {
      if (!('from' in message) || message.from !== this.#election.leader || this.role !== 'follower') return;
      if (message.t === 'up') this.notify();
      else if (message.t === 'frame' && this.#socket?.readyState !== 1) {
        this.#backlog.push(message.data);
        if (this.#backlog.length > BACKLOG) this.#backlog.shift();
      }
    });
  }

  get role(): SharingRole {
    return this.#election.role;
  }

  /** The tab this one follows (itself when leading), once known. */
  get leader(): string | null {
    return this.#election.leader;
  }

  join(): void {
    this.#election.join();
  }

  leave(): void {
    this.#election.leave();
    this.#backlog = [];
  }

  open(url: string, Real: WebSocketConstructor): WebSocketLike {
    if (this.role === 'leader') {
      this.#socket = null;
      this.#hub ??= new ConnectionHub(this.id, this.#channel, this.#timers);
      return this.#hub.open(url, Real);
    }
    this.#socket = new ChannelSocket(this.#channel, newId(), this.id, () => this.#backlog.splice(0), this.#election.leader);
    return this.#socket;
  }

  dispose(): void {
    this.#election.dispose();
    this.#hub?.dispose();
    this.#hub = null;
    this.#socket?.close(1000, 'disposed');
    this.#channel.close();
  }

  #electionChanged(): void {
    if (this.role !== 'leader' && this.#hub) {
      this.#hub.dispose();
      this.#hub = null;
    }
    this.#socket?.follow(this.role === 'leader' ? this.id : this.#election.leader);
    this.notify();
  }
}
