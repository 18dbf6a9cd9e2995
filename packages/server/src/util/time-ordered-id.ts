/**
 * Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
 * Why: a primary-key index over random (v4) UUIDs takes every insert at a random leaf, so as a
 * table outgrows the page cache each insert reads and dirties a different page; ids that grow
 * with time are appended at the index's right edge. Node 20 has no `randomUUIDv7`.
 * Invariants: the text form sorts like the timestamp (lower-case hex, fixed width); ids made in the
 * same millisecond by this process keep increasing too (rand_a becomes a counter), so
 * one process's ids sort in creation order.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Random bytes drawn in bulk: one system call per 256 ids rather than per id. */
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = -1;
let sequence = 0;

/** Offset of 16 fresh random bytes in `pool`. */
function randomBytes16(): number {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += 16;
  return offset;
}

/** A version-7 UUID for `now` (milliseconds since the epoch). */
export function timeOrderedId(now: number = Date.now()): string {
  const r = randomBytes16();
  let ms = Math.floor(now);
  if (ms <= lastMs) {
    // Same millisecond (or the clock stepped back): count up in rand_a's 12 bits; on overflow borrow the next millisecond.
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = pool[r + 8]! & 0x7f; // a random start, low enough to leave room to count up within the millisecond
  }
  lastMs = ms;
  const high = Math.floor(ms / 2 ** 16);
  const low = ms % 2 ** 16;
  return (
    HEX[(high >>> 24) & 0xff]! +
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    '-' +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    '-' +
    HEX[0x70 | (sequence >>> 8)]! +
    HEX[sequence & 0xff]! +
    '-' +
    HEX[0x80 | (pool[r]! & 0x3f)]! +
    HEX[pool[r + 1]!]! +
    '-' +
    HEX[pool[r + 2]!]! +
    HEX[pool[r + 3]!]! +
    HEX[pool[r + 4]!]! +
    HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! +
    HEX[pool[r + 7]!]!
  );
}
