/**
 * ReactionChips: a message's reactions under its bubble, one chip per emoji with its count,
 * highlighted when one of them is mine; a click toggles mine. The title (and accessible name) says
 * who reacted (reaction-label: names, "You", "and N more").
 */
import type { Reaction } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';
import { reactionLabel } from './reaction-label';

export interface ReactionChipsProps {
  reactions: readonly Reaction[];
  myId: string;
  names: ReadonlyMap<string, string>;
  /** Null: shown but not clickable (e.g. while not sent). */
  onToggle: ((emoji: string) => void) | null;
}

export function ReactionChips({ reactions, myId, names, onToggle }: ReactionChipsProps) {
  const { t, locale } = useI18n();
  if (reactions.length === 0) return null;
  const number = new Intl.NumberFormat(locale);
  const words = {
    you: t('chat.reactions.you'),
    separator: t('chat.reactions.separator'),
    more: (list: string, count: number) =>
      list ? t('chat.reactions.more', { names: list, count }) : t('chat.reactions.people', { count }),
  };
  return (
    <ul className="mt-1 flex flex-wrap gap-1" aria-label={t('chat.reactions.label')} data-testid="reactions">
      {reactions.map((reaction) => {
        const who = reactionLabel(reaction, myId, names, words);
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              className={`inline-flex h-7 items-center gap-1 rounded-full px-2 text-sm ring-1 transition-colors ${
                reaction.mine
                  ? 'bg-blue-50 text-blue-800 ring-blue-400 dark:bg-blue-950 dark:text-blue-200 dark:ring-blue-500'
                  : 'bg-white text-slate-700 ring-slate-200 hover:bg-slate-100 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-700'
              }`}
              aria-pressed={reaction.mine}
              aria-label={t('chat.reactions.chip', { emoji: reaction.emoji, count: reaction.count, who })}
              title={who}
              disabled={!onToggle}
              data-emoji={reaction.emoji}
              data-count={reaction.count}
              data-mine={reaction.mine || undefined}
              onClick={() => onToggle?.(reaction.emoji)}
            >
              <span className="text-base leading-none">{reaction.emoji}</span>
              <span className="text-xs font-semibold tabular-nums">{number.format(reaction.count)}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
