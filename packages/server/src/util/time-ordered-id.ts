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

const HEX_DIGIT = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;
/** Where an id's text is written before it becomes a string. */
const text = Buffer.alloc(36);
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
    sequence = pool[r + 6]! & 0x7f; // a random start (byte 6 is overwritten below), low enough to leave room to count up within the millisecond
  }
  lastMs = ms;
  // The 16 bytes, in place in the pool (they are this id's alone): 48-bit ms, version and rand_a, variant and rand_b.
  const high = Math.floor(ms / 2 ** 16);
  const low = ms % 2 ** 16;
  pool[r] = high >>> 24;
  pool[r + 1] = high >>> 16;
  pool[r + 2] = high >>> 8;
  pool[r + 3] = high;
  pool[r + 4] = low >>> 8;
  pool[r + 5] = low;
  pool[r + 6] = 0x70 | (sequence >>> 8);
  pool[r + 7] = sequence;
  pool[r + 8] = 0x80 | (pool[r + 8]! & 0x3f);
  // Written as text into one scratch buffer and decoded once: a flat 36-byte string, not a rope
  // of nineteen pieces that SQLite's binding (or a Map) would then flatten into a copy.
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = DASH;
    const byte = pool[r + i]!;
    text[at++] = HEX_DIGIT[byte >>> 4]!;
    text[at++] = HEX_DIGIT[byte & 0xf]!;
  }
  return text.toString('latin1');
}
