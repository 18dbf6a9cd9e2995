/**
 * ConnectionStateStore: the client's status as an observable, immutable snapshot.
 * Invariants: every status change follows TRANSITIONS (anything else throws, so an illegal state
 * is a bug found in tests, never a state a user sees); the snapshot object is replaced only when
 * something changed, so `getState()` is stable between changes (React's useSyncExternalStore).
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import { Subscribable } from './subscribable.js';

/** Where the connection is in its life. */
export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'error';

/** A snapshot of the connection; replaced (never mutated) on every change. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** When the client last became `connected` (ms since epoch), or null. */
  readonly lastConnected: number | null;
  /** When the client last lost or closed a connection, or null. */
  readonly lastDisconnected: number | null;
  /** Reconnect attempts since the last successful connect. */
  readonly reconnectAttempts: number;
  /** Why the status is `error` (or the last failure while reconnecting), else null. */
  readonly error: HeraldError | null;
  /** When the next reconnect attempt is due (ms since epoch); null when none is scheduled or it waits for the network. */
  readonly nextRetryAt: number | null;
  /**
   * True once `reconnectAttempts` passed the budget (`reconnect.maxAttempts`) and the client keeps
   * trying anyway: a display says "offline — retrying every …" instead of counting attempts.
   */
  readonly attemptLimitPassed: boolean;
  /** The longest wait between attempts under the current rule (ms), while reconnecting; else null. */
  readonly retryEveryMs: number | null;
}

/**
 * Legal status changes. `connecting` is a first connect (after `connect()`/`reconnect()`);
 * `reconnecting` covers the waits and attempts after a connection was lost or a first attempt failed.
 * `reconnecting -> reconnecting` is an attempt-count update.
 */
export const TRANSITIONS: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'reconnecting', 'error', 'disconnected'],
  connected: ['reconnecting', 'disconnected'],
  reconnecting: ['reconnecting', 'connected', 'error', 'disconnected'],
  error: ['connecting', 'disconnected'],
};

export const INITIAL_STATE: ConnectionState = {
  status: 'disconnected',
  lastConnected: null,
  lastDisconnected: null,
  reconnectAttempts: 0,
  error: null,
  nextRetryAt: null,
  attemptLimitPassed: false,
  retryEveryMs: null,
};

type Patch = Partial<Omit<ConnectionState, 'status'>>;

/** True when `from -> to` is in the transition table. */
export function canTransition(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Gets the new snapshot and the one it replaced. */
export type ConnectionStateListener = (state: ConnectionState, previous: ConnectionState) => void;

export class ConnectionStateStore extends Subscribable<ConnectionStateListener> {
  #state: ConnectionState = INITIAL_STATE;

  /** The current snapshot; the same object until the next change. */
  getState = (): ConnectionState => this.#state;

  /** Move to `status` (must be legal from the current one), applying `patch`. */
  transition(status: ConnectionStatus, patch: Patch = {}): void {
    const previous = this.#state;
    if (!canTransition(previous.status, status)) {
      throw new HeraldError(ErrorCode.Internal, `illegal connection transition ${previous.status} -> ${status}`);
    }
    this.#commit({ ...previous, ...patch, status });
  }

  /** Change fields without changing the status (no-op when nothing differs). */
  update(patch: Patch): void {
    this.#commit({ ...this.#state, ...patch });
  }

  #commit(next: ConnectionState): void {
    const previous = this.#state;
    const same = (Object.keys(next) as (keyof ConnectionState)[]).every((key) => next[key] === previous[key]);
    if (same) return;
    this.#state = next;
    this.notify(next, previous);
  }

  /** Forget every listener (dispose). */
  clear(): void {
    this.listeners.clear();
  }
}
