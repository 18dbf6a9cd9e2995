/**
 * HandlerRegistry: who wants which server frames. Handlers may be sync or async; a handler that
 * throws or rejects is reported through `onError` and never stops the others or the caller.
 * Invariants: handlers of one frame run in registration order (per-action ones, then catch-alls);
 * unsubscribing is idempotent; `count` is exact (leak tests rely on it).
 */
import { ErrorCode, HeraldError, type ServerAction, type ServerFrame, type ServerFrameOf } from '@herald/protocol';

/** A handler for one server action; its argument type follows from the protocol schemas. */
export type FrameHandler<A extends ServerAction> = (frame: ServerFrameOf<A>) => void | Promise<void>;
/** A handler for every server frame. */
export type AnyFrameHandler = (frame: ServerFrame) => void | Promise<void>;

/** Reports a failed handler; `action` is the frame's. */
export type HandlerErrorReporter = (error: HeraldError, action: ServerAction) => void;

export class HandlerRegistry {
  readonly #byAction = new Map<ServerAction, Set<AnyFrameHandler>>();
  readonly #catchAll = new Set<AnyFrameHandler>();

  readonly #report: HandlerErrorReporter;
  constructor(report: HandlerErrorReporter) {
    this.#report = report;
  }

  /** Handle frames of one action; returns an unsubscribe function. */
  on<A extends ServerAction>(action: A, handler: FrameHandler<A>): () => void {
    let set = this.#byAction.get(action);
    if (!set) {
      set = new Set();
      this.#byAction.set(action, set);
    }
    // A distinct wrapper per registration: the same function registered twice runs twice.
    const entry: AnyFrameHandler = (frame) => handler(frame as ServerFrameOf<A>);
    set.add(entry);
    return () => {
      const current = this.#byAction.get(action);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#byAction.delete(action);
    };
  }

  /** Handle every frame; returns an unsubscribe function. */
  onAny(handler: AnyFrameHandler): () => void {
    const entry: AnyFrameHandler = (frame) => handler(frame);
    this.#catchAll.add(entry);
    return () => {
      this.#catchAll.delete(entry);
    };
  }

  /** Registered handlers, catch-alls included. */
  get count(): number {
    let n = this.#catchAll.size;
    for (const set of this.#byAction.values()) n += set.size;
    return n;
  }

  /** Run every matching handler; failures go to the reporter. */
  dispatch(frame: ServerFrame): void {
    const specific = this.#byAction.get(frame.action);
    const handlers = specific ? [...specific, ...this.#catchAll] : [...this.#catchAll];
    for (const handler of handlers) {
      try {
        const result = handler(frame);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (error: unknown) => this.#fail(error, frame.action));
        }
      } catch (error) {
        this.#fail(error, frame.action);
      }
    }
  }

  clear(): void {
    this.#byAction.clear();
    this.#catchAll.clear();
  }

  #fail(error: unknown, action: ServerAction): void {
    const herald =
      error instanceof HeraldError
        ? error
        : new HeraldError(
            ErrorCode.HandlerFailed,
            `a ${action} handler failed: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
    try {
      this.#report(herald, action);
    } catch {
      // A throwing error hook must not break dispatch either.
    }
  }
}
