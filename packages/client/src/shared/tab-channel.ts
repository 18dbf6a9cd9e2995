/**
 * TabChannel: the messages the tabs of one origin and user exchange about their shared connection,
 * over one BroadcastChannel (`herald-connection:<key>`). Every message is a discriminated union on
 * `t`; a receiver ignores what is not addressed to it (`to`, `port`) or comes from a leader it does
 * not follow (`from`). Raw frames travel as the socket's text: the tabs decode them themselves.
 * Invariant: a BroadcastChannel never delivers a tab's message to itself, and keeps one sender's
 * messages in order, which the port handshake relies on (`opened` is sent before any frame it must precede).
 */

/** The part of BroadcastChannel used here (a fake in unit tests). */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export type TabMessage =
  /** The leader is alive (every `heartbeatMs`); `epoch` grows with every new leader. */
  | { t: 'hb'; from: string; epoch: number }
  /** The leader resigns (page hidden for a no-socket route, disconnect, dispose): elect now. */
  | { t: 'bye'; from: string }
  /** A follower opens a port to the leader `to`. */
  | { t: 'open'; to: string; port: string }
  /** The hub accepted `port`: `connected` is the server's `connected` frame text. */
  | { t: 'opened'; from: string; port: string; connected: string }
  /** A follower's frame (text) for the server. */
  | { t: 'send'; to: string; port: string; data: string }
  /** A server frame (text) for every tab. */
  | { t: 'frame'; from: string; data: string }
  /** A frame (text) for one port only (a local answer of the hub). */
  | { t: 'reply'; from: string; port: string; data: string }
  /** A port closed, by either side. */
  | { t: 'close'; from: string; port: string; code: number; reason: string }
  /** The leader's socket became ready: followers waiting to reconnect try at once. */
  | { t: 'up'; from: string };

/** A typed wrapper over one BroadcastChannel. */
export class TabChannel {
  readonly #listeners = new Set<(message: TabMessage) => void>();

  readonly #channel: BroadcastChannelLike;
  constructor(channel: BroadcastChannelLike) {
    this.#channel = channel;
    channel.onmessage = (event) => {
      const message = event.data as TabMessage | null;
      if (!message || typeof message !== 'object' || typeof message.t !== 'string') return;
      for (const listener of [...this.#listeners]) listener(message);
    };
  }

  post(message: TabMessage): void {
    try {
      this.#channel.postMessage(message);
    } catch {
      // A closed channel (the page is going away): nobody is left to tell.
    }
  }

  /** Listen to every message; returns an unsubscribe function. */
  subscribe(listener: (message: TabMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.#channel.onmessage = null;
    this.#channel.close();
  }
}
