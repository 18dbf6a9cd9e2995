/**
 * ChannelSocket: a follower tab's "WebSocket": a port to the leader's hub over the TabChannel.
 * It opens when the hub answers `opened` (with the server's `connected` frame, which it delivers
 * right after `onopen`, so the tab's Transport completes its usual handshake), then carries the
 * hub's fan-out. Frames the tab received while it had no open port (`backlog`) are delivered after
 * `connected`: the tab's sequencer drops what it has, and keeps what the server will not send it
 * again on the same socket. Invariants: `onclose` fires once; nothing is delivered after it; a
 * port follows one leader and closes (1001) when another is elected.
 */
import type { CloseEventLike, MessageEventLike, WebSocketLike } from '../environment.js';
import type { TabChannel, TabMessage } from './tab-channel.js';

type Listener<E> = ((event: E) => void) | null;

export class ChannelSocket implements WebSocketLike {
  onopen: Listener<unknown> = null;
  onmessage: Listener<MessageEventLike> = null;
  onclose: Listener<CloseEventLike> = null;
  onerror: Listener<unknown> = null;
  readyState = 0;
  #leader: string | null = null;
  readonly #stopListening: () => void;

  readonly #channel: TabChannel;
  readonly #port: string;
  readonly #self: string;
  readonly #backlog: () => string[];
  constructor(channel: TabChannel, port: string, self: string, backlog: () => string[], leader: string | null) {
    this.#channel = channel;
    this.#port = port;
    this.#self = self;
    this.#backlog = backlog;
    this.#stopListening = channel.subscribe((message) => this.#channelOnMessage(message));
    this.follow(leader);
  }

  /** The elected leader changed (or became known): open a port to it, or close if this one is stale. */
  follow(leader: string | null): void {
    if (this.readyState > 1 || leader === this.#leader) return;
    if (this.#leader !== null || leader === this.#self) {
      this.#finish(1001, 'leader changed');
      return;
    }
    this.#leader = leader;
    if (leader !== null) this.#channel.post({ t: 'open', to: leader, port: this.#port });
  }

  send(data: string): void {
    if (this.readyState !== 1 || this.#leader === null) return;
    this.#channel.post({ t: 'send', to: this.#leader, port: this.#port, data });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState > 1) return;
    this.#channel.post({ t: 'close', from: this.#self, port: this.#port, code, reason });
    this.#finish(code, reason);
  }

  #channelOnMessage(message: TabMessage): void {
    if (this.readyState > 1 || !('from' in message) || message.from !== this.#leader) return;
    if (message.t === 'frame') {
      if (this.readyState === 1) this.onmessage?.({ data: message.data });
    } else if (message.t === 'opened' && message.port === this.#port && this.readyState === 0) {
      this.readyState = 1;
      this.onopen?.({});
      this.onmessage?.({ data: message.connected });
      for (const data of this.#backlog()) if (this.readyState === 1) this.onmessage?.({ data });
    } else if (message.t === 'reply' && message.port === this.#port && this.readyState === 1) {
      this.onmessage?.({ data: message.data });
    } else if (message.t === 'close' && message.port === this.#port) {
      this.#finish(message.code, message.reason);
    }
  }

  #finish(code: number, reason: string): void {
    if (this.readyState > 1) return;
    this.readyState = 3;
    this.#stopListening();
    this.onclose?.({ code, reason });
  }
}
