/**
 * FileStorage: where uploaded bytes live, behind the smallest interface the file routes need, so
 * an object store can replace the local disk later. Keys are random and opaque; the database
 * (files table) holds everything else about a file.
 */
import type { Readable } from 'node:stream';

/** Inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface FileStorage {
  /** Take ownership of a complete local temp file; resolves with the new object's random key. */
  save(tempPath: string): Promise<string>;
  /** The object's bytes (only `range` when given); rejects with `not_found` when it is missing. */
  open(key: string, range?: ByteRange): Promise<Readable>;
  /** Delete an object; a missing object is not an error. */
  remove(key: string): Promise<void>;
}
