/**
 * Avatar: the user's picture when they set one (an uploaded file, shown through a signed link),
 * else initials in a coloured circle (colour from the name), with an optional presence dot:
 * green online, grey offline, a hollow ring when unknown (our own connection is down).
 */
import { initials } from './conversation-info';
import type { PresenceKind } from './presence-display';
import { useFileUrl } from './useFileUrl';

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
  image,
  size = 'md',
}: {
  name: string;
  seed: string;
  presence?: PresenceKind;
  presenceLabel?: string;
  /** The file id of the user's avatar (null or absent: initials). */
  image?: string | null;
  size?: 'md' | 'lg';
}) {
  const box = size === 'lg' ? 'h-20 w-20 text-2xl' : 'h-10 w-10 text-sm';
  return (
    <span className="relative inline-flex shrink-0">
      {image ? (
        // Keyed by file: a new avatar is a new element, never the old picture's stale link.
        <AvatarImage key={image} fileId={image} box={box} />
      ) : (
        <span
          className={`inline-flex ${box} items-center justify-center rounded-full font-semibold text-white ${colourOf(seed)}`}
          aria-hidden="true"
        >
          {initials(name)}
        </span>
      )}
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

function AvatarImage({ fileId, box }: { fileId: string; box: string }) {
  const { mediaUrl, onMediaError } = useFileUrl(fileId);
  return mediaUrl ? (
    <img
      src={mediaUrl}
      alt=""
      aria-hidden="true"
      data-avatar={fileId}
      className={`${box} rounded-full object-cover`}
      onError={onMediaError}
    />
  ) : (
    <span className={`inline-block ${box} rounded-full bg-slate-200 dark:bg-slate-700`} aria-hidden="true" />
  );
}
