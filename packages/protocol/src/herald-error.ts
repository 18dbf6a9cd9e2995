/**
 * HeraldError: the one error class of the wire contract. Every failure that crosses a
 * boundary (codec, REST, socket reply, client promise) is one of these, with a stable `code`.
 */
import type { ErrorCode } from './codes.js';

/** A failure with a stable, documented code. Check with `instanceof HeraldError` and switch on `code`. */
export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  readonly code: ErrorCode;
  /** Extra, code-specific detail (e.g. validation issues, retry-after ms). */
  readonly details: unknown;
  /**
   * The HTTP status of the response this error came from, on errors a REST client raised
   * (0 when the server could not be reached); undefined otherwise. Not part of the wire shape.
   */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, details?: unknown, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.status = options.status;
  }

  /** The wire shape of this error: `{ code, message, details? }`. */
  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
