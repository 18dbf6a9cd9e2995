/** What a PacedWalk walks: a Map, or a Set (whose entries are [value, value]). */
export interface Walkable<K, V> {
  readonly size: number;
  entries(): Iterator<[K, V]>;
}

/**
 * PacedWalk: visits every entry of a Map (or Set) over about `periodMs`, a share on each call of `step`
 * (made once per timer tick), so that work which grows with the map (re-announcing every user,
 * looking for stale entries) never lands in one event-loop turn.
 * Invariants: a pass starts at most once per `periodMs`; a step visits at most
 * ceil(size × tickMs / periodMs) entries, so a pass takes about `periodMs` whatever the size; the
 * walk follows a live Map iterator, so entries added during a pass are visited in it and deleted
 * ones are skipped, and `visit` may delete the entry it is given.
 */
export class PacedWalk<K, V> {
  private cursor: Iterator<[K, V]> | undefined;
  private passStartedAt: number;

  constructor(
    private readonly map: Walkable<K, V>,
    private readonly periodMs: number,
    private readonly tickMs: number,
    now: number,
  ) {
    // The first pass begins one period from now: whatever the map holds was just put there.
    this.passStartedAt = now;
  }

  /** Visit this tick's share. */
  step(now: number, visit: (key: K, value: V) => void): void {
    if (!this.cursor) {
      if (now - this.passStartedAt < this.periodMs) return;
      this.passStartedAt = now;
      this.cursor = this.map.entries();
    }
    let share = Math.ceil((this.map.size * this.tickMs) / this.periodMs);
    while (share-- > 0) {
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        return;
      }
      visit(next.value[0], next.value[1]);
    }
  }
}
