/**
 * Timeline rows for a conversation view, as a pure function of the messages: a day separator
 * before the first message of each local calendar day, and one "unread" divider before the first
 * message from someone else after the read position the view opened with.
 */

/** The fields of a message the timeline needs. */
export interface TimelineMessage {
  /** Stable key across the send (the client id of own messages, else the message id). */
  localId: string;
  /** 0 until the server assigned one. */
  seq: number;
  senderId: string;
  createdAt: number;
}

export type TimelineRow<M extends TimelineMessage> =
  | { kind: 'day'; key: string; dayStart: number }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'message'; key: string; message: M; firstOfGroup: boolean };

export interface TimelineOptions {
  /** The user viewing (their own messages never start the unread section). */
  myId: string;
  /** My read position when the view opened (frozen, so the divider does not move while reading); null: no divider. */
  unreadAfterSeq: number | null;
  /** Start of the local day for a time; defaults to the host's time zone. */
  dayStart?: (time: number) => number;
}

/** Messages from one sender within this window are grouped (the name is shown once). */
const GROUP_WINDOW_MS = 5 * 60_000;

export function localDayStart(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

export function buildTimeline<M extends TimelineMessage>(messages: readonly M[], options: TimelineOptions): TimelineRow<M>[] {
  const dayOf = options.dayStart ?? localDayStart;
  const rows: TimelineRow<M>[] = [];
  let currentDay: number | null = null;
  let unreadPlaced = false;
  let previous: M | null = null;
  for (const message of messages) {
    const day = dayOf(message.createdAt);
    let breakGroup = false;
    if (day !== currentDay) {
      rows.push({ kind: 'day', key: `day-${day}`, dayStart: day });
      currentDay = day;
      breakGroup = true;
    }
    if (!unreadPlaced && options.unreadAfterSeq !== null && message.seq > options.unreadAfterSeq && message.senderId !== options.myId) {
      rows.push({ kind: 'unread', key: 'unread' });
      unreadPlaced = true;
      breakGroup = true;
    }
    const firstOfGroup =
      breakGroup || !previous || previous.senderId !== message.senderId || message.createdAt - previous.createdAt > GROUP_WINDOW_MS;
    rows.push({ kind: 'message', key: message.localId, message, firstOfGroup });
    previous = message;
  }
  return rows;
}

/** Label of a day separator: "Today", "Yesterday", else a localised date. */
export function dayLabel(dayStart: number, now: number, locale: string, words: { today: string; yesterday: string }): string {
  const today = localDayStart(now);
  if (dayStart === today) return words.today;
  if (dayStart === localDayStart(today - 12 * 3600_000)) return words.yesterday;
  const sameYear = new Date(dayStart).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'long',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(dayStart);
}

/** Index of the unread divider row, or -1. */
export function unreadIndex(rows: readonly TimelineRow<TimelineMessage>[]): number {
  return rows.findIndex((row) => row.kind === 'unread');
}
