/**
 * Environment: everything the client takes from its host, injected so tests never patch globals.
 * Timers, randomness, the WebSocket constructor and the online/visibility/focus sources are declared here
 * as minimal structural types (the root config has no DOM lib), with defaults read from `globalThis`.
 * Invariant: nothing else in the package reads `globalThis`; other modules ask here.
 */

/** Opaque timer handle (a number in browsers, a Timeout object in Node). */
export type TimerHandle = unknown;

/** Clock and one-shot timers. `now()` is the wall clock the liveness checks measure with. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  now(): number;
}

// A function type whose parameter is checked bivariantly, so both the DOM's and `ws`'s event
// handler properties (which take richer event objects) are assignable to these minimal ones.
type Listener<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client reads from a close event. */
export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
}

/** What the client reads from a message event: text (browsers, `ws`) or bytes. */
export interface MessageEventLike {
  readonly data: unknown;
}

/** The subset of the WebSocket API the client uses; the browser's and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Listener<unknown> | null;
  onmessage: Listener<MessageEventLike> | null;
  onclose: Listener<CloseEventLike> | null;
  onerror: Listener<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the TCP connection without a close handshake (used for dead peers). */
  terminate?(): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers and Node 22+, `ws` in Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN in every implementation. */
export const SOCKET_OPEN = 1;

/** Whether the network is reachable (`navigator.onLine` in browsers). */
export interface OnlineSource {
  isOnline(): boolean;
  /** Called with the new value on every change; returns an unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** Whether the page is visible (`document.visibilityState` in browsers). */
export interface VisibilitySource {
  isVisible(): boolean;
  subscribe(listener: (visible: boolean) => void): () => void;
}

/** The page came back to the user: window `focus` and `pageshow` (back/forward cache). */
export interface FocusSource {
  /** Called on each such event; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The injectable environment; every field has a default. */
export interface Environment {
  timers: Timers;
  random: () => number;
  WebSocket: WebSocketConstructor | undefined;
  online: OnlineSource;
  visibility: VisibilitySource;
  focus: FocusSource;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface BrowserGlobals {
  WebSocket?: WebSocketConstructor;
  crypto?: { randomUUID?: () => string };
  indexedDB?: unknown;
  navigator?: { onLine?: boolean };
  document?: EventTargetLike & { visibilityState?: string };
  addEventListener?: EventTargetLike['addEventListener'];
  removeEventListener?: EventTargetLike['removeEventListener'];
}

const host = globalThis as unknown as BrowserGlobals;

/** The host's timers and `Date.now`. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
  now: () => Date.now(),
};

/** `navigator.onLine` plus window `online`/`offline` events; always online where there is no navigator. */
export function defaultOnlineSource(): OnlineSource {
  const target = host.addEventListener && host.removeEventListener ? (host as EventTargetLike) : undefined;
  return {
    isOnline: () => host.navigator?.onLine !== false,
    subscribe(listener) {
      if (!target) return () => undefined;
      const onOnline = () => listener(true);
      const onOffline = () => listener(false);
      target.addEventListener('online', onOnline);
      target.addEventListener('offline', onOffline);
      return () => {
        target.removeEventListener('online', onOnline);
        target.removeEventListener('offline', onOffline);
      };
    },
  };
}

/** `document.visibilityState` plus `visibilitychange`; always visible where there is no document. */
export function defaultVisibilitySource(): VisibilitySource {
  const doc = host.document;
  return {
    isVisible: () => doc?.visibilityState !== 'hidden',
    subscribe(listener) {
      if (!doc?.addEventListener) return () => undefined;
      const onChange = () => listener(doc.visibilityState !== 'hidden');
      doc.addEventListener('visibilitychange', onChange);
      return () => doc.removeEventListener('visibilitychange', onChange);
    },
  };
}

/** Window `focus` and `pageshow`; never fires where there is no window. */
export function defaultFocusSource(): FocusSource {
  const target = host.addEventListener && host.removeEventListener ? (host as EventTargetLike) : undefined;
  return {
    subscribe(listener) {
      if (!target) return () => undefined;
      const onEvent = () => listener();
      target.addEventListener('focus', onEvent);
      target.addEventListener('pageshow', onEvent);
      return () => {
        target.removeEventListener('focus', onEvent);
        target.removeEventListener('pageshow', onEvent);
      };
    },
  };
}

/** Fill the environment's gaps with the host's own. */
export function resolveEnvironment(overrides: Partial<Environment> = {}): Environment {
  return {
    timers: overrides.timers ?? systemTimers,
    random: overrides.random ?? Math.random,
    WebSocket: overrides.WebSocket ?? host.WebSocket,
    online: overrides.online ?? defaultOnlineSource(),
    visibility: overrides.visibility ?? defaultVisibilitySource(),
    focus: overrides.focus ?? defaultFocusSource(),
  };
}

/** The host's `crypto.randomUUID`, when it has one (browsers in secure contexts and on localhost, Node). */
export function hostRandomUUID(): (() => string) | undefined {
  const crypto = host.crypto;
  return crypto?.randomUUID ? () => (crypto.randomUUID as () => string).call(crypto) : undefined;
}

/** The host's `BroadcastChannel` constructor and `navigator.locks`, when it has them (typed by the user). */
export function hostTabApis(): { BroadcastChannel: unknown; locks: unknown } {
  const globals = globalThis as unknown as { BroadcastChannel?: unknown; navigator?: { locks?: unknown } };
  return { BroadcastChannel: globals.BroadcastChannel, locks: globals.navigator?.locks };
}

/** The host's `indexedDB` factory, if any (typed by the adapter that uses it). */
export function hostIndexedDb(): unknown {
  return host.indexedDB;
}
