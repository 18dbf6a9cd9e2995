/**
 * FileLinkCache: short-lived signed download URLs (`POST /files/:id/link`) for <img>/<audio> and
 * download links, which cannot send an Authorization header. One request per file at a time; a
 * link is reused while fresh, and renewed before it dies:
 * - `get` renews a link that is expired or about to (on a click: `AttachmentView` asks it first);
 * - `watch` renews a watched file's link in the background shortly before it expires, and tells
 *   the watchers, so a link on screen is always one that works (a sleeping laptop's late timer is
 *   covered by the click check).
 * A link's lifetime is measured on this clock from when it was asked for (the server's `expiresAt`
 * minus the request time), so a link never counts as fresh past the server's expiry by more than
 * the clock skew between the two; "about to expire" is the last fifth of its life, at most 30 s.
 */
import type { FileLink, RestClient } from '@herald/protocol';

/** Renew when less than this is left (or a fifth of the link's lifetime, if shorter). */
const MARGIN_MS = 30_000;
/** Never renew in the background more often than this (a link the server hands out already expired). */
const MIN_RENEW_DELAY_MS = 5_000;

interface Held {
  url: string;
  expiresAt: number;
  /** Renew from this time on. */
  renewAt: number;
}

export interface LinkTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: LinkTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Asks the server for a new link of a file. */
export type LinkSource = (fileId: string) => Promise<FileLink>;

export class FileLinkCache {
  private readonly links = new Map<string, Held>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly watchers = new Map<string, Set<(url: string) => void>>();
  private readonly renewals = new Map<string, unknown>();
  private readonly source: LinkSource;
  private readonly timers: LinkTimers;

  constructor(api: RestClient | LinkSource, timers?: LinkTimers | (() => number)) {
    this.source = typeof api === 'function' ? api : (fileId) => api.files.link({ params: { id: fileId } });
    this.timers = typeof timers === 'function' ? { ...systemTimers, now: timers } : (timers ?? systemTimers);
  }

  /** A URL that is valid for a while yet: the cached one while fresh, else a new one. */
  get(fileId: string): Promise<string> {
    const fresh = this.peek(fileId);
    if (fresh) return Promise.resolve(fresh);
    return this.renew(fileId);
  }

  /** The cached URL if still fresh (no request), for a synchronous first render and click checks. */
  peek(fileId: string): string | null {
    const held = this.links.get(fileId);
    return held && this.timers.now() < held.renewAt ? held.url : null;
  }

  /**
   * Keep `fileId`'s link renewed in the background while watched; `listener` gets each new URL.
   * Returns the unwatch function.
   */
  watch(fileId: string, listener: (url: string) => void): () => void {
    let set = this.watchers.get(fileId);
    if (!set) {
      set = new Set();
      this.watchers.set(fileId, set);
    }
    set.add(listener);
    this.schedule(fileId);
    return () => {
      set.delete(listener);
      if (set.size > 0) return;
      this.watchers.delete(fileId);
      this.unschedule(fileId);
    };
  }

  /** Ask for a new link now (one request per file at a time). */
  private renew(fileId: string): Promise<string> {
    let pending = this.inFlight.get(fileId);
    if (!pending) {
      const askedAt = this.timers.now();
      pending = this.source(fileId)
        .then((link) => {
          const lifetime = Math.max(0, link.expiresAt - askedAt);
          const held = { url: link.url, expiresAt: askedAt + lifetime, renewAt: askedAt + lifetime - Math.min(MARGIN_MS, lifetime / 5) };
          this.links.set(fileId, held);
          this.schedule(fileId);
          for (const listener of this.watchers.get(fileId) ?? []) listener(held.url);
          return link.url;
        })
        .finally(() => this.inFlight.delete(fileId));
      this.inFlight.set(fileId, pending);
    }
    return pending;
  }

  /** A watched file's next background renewal: when its link enters its last stretch. */
  private schedule(fileId: string): void {
    if (!this.watchers.has(fileId)) return;
    this.unschedule(fileId);
    const held = this.links.get(fileId);
    if (!held) return; // The first `get` brings one, and schedules from it.
    const delay = Math.max(MIN_RENEW_DELAY_MS, held.renewAt - this.timers.now());
    const handle = this.timers.setTimeout(() => {
      this.renewals.delete(fileId);
      // A failed renewal (offline, signed out) is retried on the next click or media error.
      this.renew(fileId).catch(() => undefined);
    }, delay);
    this.renewals.set(fileId, handle);
  }

  private unschedule(fileId: string): void {
    const handle = this.renewals.get(fileId);
    if (handle === undefined) return;
    this.timers.clearTimeout(handle);
    this.renewals.delete(fileId);
  }
}
