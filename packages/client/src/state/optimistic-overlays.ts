/**
 * OptimisticOverlays: this client's changes (edit, delete, reaction) shown over a confirmed
 * message before the server has them. Each overlay is a function from the confirmed copy to the
 * shown one; it goes once the confirmed copy reflects it (its `revision` reached the seq the ack
 * named) or at once when the request failed (rolled back).
 * Invariants: `view` returns the confirmed object itself when it has no overlay, and the same view
 * object while neither the confirmed copy nor its overlays changed (stable for React).
 */
import type { Message } from '@herald/protocol';
import { revisionOf } from './message-changes.js';

export interface Overlay<M> {
  apply: (message: M) => M;
  /** The seq of the change once acknowledged (0: it changed nothing); null while in flight. */
  settledAt: number | null;
}

export class OptimisticOverlays<M extends Message> {
  private readonly overlays = new Map<string, Overlay<M>[]>();
  private readonly views = new Map<string, { base: M; count: number; view: M }>();

  get size(): number {
    return this.overlays.size;
  }

  add(messageId: string, apply: (message: M) => M): Overlay<M> {
    const overlay: Overlay<M> = { apply, settledAt: null };
    this.overlays.set(messageId, [...(this.overlays.get(messageId) ?? []), overlay]);
    return overlay;
  }

  /** Drop the overlays of `confirmed` that it now reflects. */
  settle(confirmed: M): void {
    this.keep(confirmed.id, (o) => o.settledAt === null || o.settledAt > revisionOf(confirmed));
  }

  /** Roll one back. */
  drop(messageId: string, overlay: Overlay<M>): void {
    this.keep(messageId, (o) => o !== overlay);
  }

  /** `confirmed` as shown: with its overlays applied in order. */
  view(confirmed: M): M {
    const list = this.overlays.get(confirmed.id);
    if (!list) {
      this.views.delete(confirmed.id);
      return confirmed;
    }
    const cached = this.views.get(confirmed.id);
    if (cached && cached.base === confirmed && cached.count === list.length) return cached.view;
    const view = list.reduce((m, o) => o.apply(m), confirmed);
    this.views.set(confirmed.id, { base: confirmed, count: list.length, view });
    return view;
  }

  clear(): void {
    this.overlays.clear();
    this.views.clear();
  }

  private keep(messageId: string, predicate: (overlay: Overlay<M>) => boolean): void {
    const left = (this.overlays.get(messageId) ?? []).filter(predicate);
    if (left.length === 0) this.overlays.delete(messageId);
    else this.overlays.set(messageId, left);
  }
}
