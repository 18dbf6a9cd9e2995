/**
 * relativeTime: "5 minutes ago" / "5分钟前" for a moment near `now`, in the locale, with the largest
 * unit that fits whole (under a minute is "now"). Framework-free, so it is tested on its own.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNITS: readonly (readonly [Intl.RelativeTimeFormatUnit, number])[] = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['week', 7 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

export function relativeTime(time: number, now: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const offset = time - now; // negative in the past
  for (const [unit, size] of UNITS) {
    if (Math.abs(offset) >= size) return format.format(Math.trunc(offset / size), unit);
  }
  return format.format(0, 'second');
}
