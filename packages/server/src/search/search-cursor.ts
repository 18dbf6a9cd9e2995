/**
 * The opaque `cursor` of search pages: a repository's position, wrapped so clients neither read
 * nor build one.
 * Invariant: anything that is not a cursor this server made is `bad_request` naming `cursor`,
 * never `internal`.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';

/** The cursor a client passes back for the page after `position`. */
export function encodeSearchCursor(position: string): string {
  return Buffer.from(JSON.stringify({ p: position }), 'utf8').toString('base64url');
}

/** The position in `cursor`; throws `bad_request` when it is not one `encodeSearchCursor` made. */
export function decodeSearchCursor(cursor: string): string {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidSearchCursor();
  }
  const position = (value as { p?: unknown } | null)?.p;
  if (typeof position !== 'string' || position === '' || position.length > 100) throw invalidSearchCursor();
  return position;
}

/** The error for a cursor no search page gave (repositories throw it for a position of another dialect). */
export function invalidSearchCursor(): HeraldError {
  return new HeraldError(ErrorCode.BadRequest, 'invalid cursor', [
    { path: 'cursor', message: 'not a cursor from a previous search page; start again without one' },
  ]);
}
