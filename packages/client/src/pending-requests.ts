/**
 * PendingRequests: requests waiting for their `ack` or `error` frame, keyed by the request id
 * (the reply's `ref`). Invariant: each one settles exactly once — by its reply, its timeout, or
 * `rejectAll` — and its timer is cleared whenever it settles.
 */
import { ErrorCode, HeraldError, type ServerFrameOf } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: HeraldError) => void;
  timer: TimerHandle;
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timers: Timers) {}

  get size(): number {
    return this.pending.size;
  }

  /** Wait for the reply to request `ref`; rejects with `timeout` after `timeoutMs`. */
  add(ref: string, timeoutMs: number): Promise<unknown> {
    this.settle(ref, undefined, new HeraldError(ErrorCode.Conflict, `request ${ref} was superseded by a resend`));
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.settle(ref, undefined, new HeraldError(ErrorCode.Timeout, `no reply to request ${ref} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
    });
  }

  /** Settle the request an `ack` or `error` frame answers; false when none waits for it. */
  reply(frame: ServerFrameOf<'ack'> | ServerFrameOf<'error'>): boolean {
    const ref = frame.data.ref;
    if (ref === undefined || !this.pending.has(ref)) return false;
    if (frame.action === 'ack') this.settle(ref, frame.data.result);
    else this.settle(ref, undefined, new HeraldError(frame.data.code, frame.data.message, frame.data.details));
    return true;
  }

  /** Reject every waiting request (connection lost, disconnect, dispose). */
  rejectAll(error: HeraldError): void {
    for (const ref of [...this.pending.keys()]) this.settle(ref, undefined, error);
  }

  private settle(ref: string, result: unknown, error?: HeraldError): void {
    const entry = this.pending.get(ref);
    if (!entry) return;
    this.pending.delete(ref);
    this.timers.clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result);
  }
}
