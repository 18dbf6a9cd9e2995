import { describe, expect, it } from 'vitest';
import { buildTimeline, dayLabel, localDayStart, type TimelineMessage, unreadIndex } from './timeline';

const HOUR = 3600_000;
// Days are cut at UTC midnight here so the test does not depend on the machine's time zone.
const dayStart = (time: number) => time - (time % (24 * HOUR));
const base = Date.UTC(2026, 0, 10, 9, 0);

function msg(seq: number, senderId: string, createdAt: number): TimelineMessage {
  return { localId: `m${seq}`, seq, senderId, createdAt };
}

describe('buildTimeline', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = buildTimeline([msg(1, 'a', base), msg(2, 'b', base + HOUR), msg(3, 'a', base + 20 * HOUR)], {
      myId: 'a',
      unreadAfterSeq: null,
      dayStart,
    });
    expect(rows.map((row) => row.kind)).toEqual(['day', 'message', 'message', 'day', 'message']);
    expect(rows[0]).toMatchObject({ kind: 'day', dayStart: Date.UTC(2026, 0, 10) });
    expect(rows[3]).toMatchObject({ kind: 'day', dayStart: Date.UTC(2026, 0, 11) });
  });

  it('puts one unread divider before the first message from someone else after the read position', () => {
    const messages = [msg(1, 'b', base), msg(2, 'a', base + 1), msg(3, 'a', base + 2), msg(4, 'b', base + 3), msg(5, 'b', base + 4)];
    const rows = buildTimeline(messages, { myId: 'a', unreadAfterSeq: 1, dayStart });
    // My own messages 2 and 3 never start the unread section; Bob's 4 does.
    expect(rows.map((row) => (row.kind === 'message' ? row.message.seq : row.kind))).toEqual(['day', 1, 2, 3, 'unread', 4, 5]);
    expect(unreadIndex(rows)).toBe(4);
  });

  it('has no divider when nothing is unread or the position is unknown', () => {
    const messages = [msg(1, 'b', base), msg(2, 'b', base + 1)];
    expect(unreadIndex(buildTimeline(messages, { myId: 'a', unreadAfterSeq: 2, dayStart }))).toBe(-1);
    expect(unreadIndex(buildTimeline(messages, { myId: 'a', unreadAfterSeq: null, dayStart }))).toBe(-1);
  });

  it('ignores unsent messages (seq 0) for the divider', () => {
    const rows = buildTimeline([msg(1, 'b', base), { localId: 'local', seq: 0, senderId: 'b', createdAt: base + 1 }], {
      myId: 'a',
      unreadAfterSeq: 1,
      dayStart,
    });
    expect(unreadIndex(rows)).toBe(-1);
  });

  it('groups consecutive messages of one sender within five minutes', () => {
    const rows = buildTimeline(
      [msg(1, 'a', base), msg(2, 'a', base + 60_000), msg(3, 'a', base + 10 * 60_000), msg(4, 'b', base + 11 * 60_000)],
      { myId: 'a', unreadAfterSeq: null, dayStart },
    );
    const firsts = rows.flatMap((row) => (row.kind === 'message' ? [row.firstOfGroup] : []));
    expect(firsts).toEqual([true, false, true, true]);
  });

  it('keys rows by local id so a message keeps its row when it is confirmed', () => {
    const rows = buildTimeline([msg(1, 'a', base)], { myId: 'a', unreadAfterSeq: null, dayStart });
    expect(rows[1]?.key).toBe('m1');
  });
});

describe('dayLabel', () => {
  const words = { today: 'Today', yesterday: 'Yesterday' };
  it('says today and yesterday, else a date', () => {
    const now = new Date(2026, 5, 15, 14, 0).getTime();
    expect(dayLabel(localDayStart(now), now, 'en', words)).toBe('Today');
    expect(dayLabel(localDayStart(now - 24 * HOUR), now, 'en', words)).toBe('Yesterday');
    expect(dayLabel(localDayStart(new Date(2026, 5, 1).getTime()), now, 'en', words)).toContain('June');
    expect(dayLabel(localDayStart(new Date(2024, 5, 1).getTime()), now, 'en', words)).toContain('2024');
  });
});
