/**
 * Avatar: initials in a coloured circle (colour from the name), with an optional presence dot:
 * green online, grey offline, a hollow ring when unknown (our own connection is down).
 */
import { initials } from './conversation-info';
import type { PresenceKind } from './presence-display';

const COLOURS = [
  'bg-rose-500',
  'bg-amber-500',
  'bg-emerald-500',
  'bg-sky-500',
  'bg-violet-500',
  'bg-teal-500',
  'bg-fuchsia-500',
  'bg-orange-500',
];

function colourOf(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return COLOURS[Math.abs(hash) % COLOURS.length] ?? 'bg-slate-500';
}

const DOT: Record<PresenceKind, string> = {
  online: 'bg-emerald-500',
  offline: 'bg-slate-400',
  unknown: 'border-2 border-slate-400 bg-white dark:bg-slate-900',
};

export function Avatar({
  name,
  seed,
  presence,
  presenceLabel,
}: {
  name: string;
  seed: string;
  presence?: PresenceKind;
  presenceLabel?: string;
}) {
  return (
    <span className="relative inline-flex shrink-0">
      <span
        className={`inline-flex h-10 w-10 items-center justify-center rounded-full text-sm font-semibold text-white ${colourOf(seed)}`}
        aria-hidden="true"
      >
        {initials(name)}
      </span>
      {presence !== undefined && (
        <span
          className={`absolute right-0 bottom-0 h-3 w-3 rounded-full ring-2 ring-white dark:ring-slate-900 ${DOT[presence]}`}
          data-presence={presence}
          role="img"
          aria-label={presenceLabel}
          title={presenceLabel}
        />
      )}
    </span>
  );
}
