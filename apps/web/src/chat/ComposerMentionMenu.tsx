/**
 * ComposerMentionMenu: the @mention suggestions above the composer (a listbox the textarea controls
 * with aria-activedescendant): members by name, and @all / @here in groups for those who may use
 * them. Keys are handled by the composer; a click or tap chooses.
 */
import type { MentionSuggestion } from '@herald/client/state';
import { useI18n } from '../i18n/useI18n';
import { initials } from './conversation-info';

export interface ComposerMentionMenuProps {
  id: string;
  suggestions: readonly MentionSuggestion[];
  active: number;
  onChoose: (suggestion: MentionSuggestion) => void;
}

/** The element id of a suggestion (for aria-activedescendant). */
export const suggestionId = (menuId: string, index: number) => `${menuId}-${index}`;

export function ComposerMentionMenu({ id, suggestions, active, onChoose }: ComposerMentionMenuProps) {
  const { t } = useI18n();
  return (
    <div
      id={id}
      role="listbox"
      aria-label={t('chat.mention.label')}
      className="mx-3 mb-1 max-h-60 overflow-y-auto rounded-xl bg-white p-1 shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
      data-testid="mention-menu"
    >
      {suggestions.map((suggestion, index) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: the textarea handles the keys (arrows, Enter, Tab) for the listbox
        <div
          key={suggestion.userId ?? suggestion.kind}
          id={suggestionId(id, index)}
          role="option"
          tabIndex={-1}
          aria-selected={index === active}
          className={`flex cursor-pointer items-center gap-2 rounded-lg px-2 py-1.5 text-sm ${index === active ? 'bg-blue-50 text-blue-900 dark:bg-blue-950 dark:text-blue-100' : ''}`}
          // Keep the focus in the textarea.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onChoose(suggestion)}
        >
          {suggestion.kind === 'member' ? (
            <span
              className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-blue-600 text-xs font-semibold text-white"
              aria-hidden="true"
            >
              {initials(suggestion.name)}
            </span>
          ) : (
            <span
              className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-bold dark:bg-slate-700"
              aria-hidden="true"
            >
              @
            </span>
          )}
          <span className="truncate font-medium">{suggestion.kind === 'member' ? suggestion.name : `@${suggestion.name}`}</span>
          {suggestion.kind !== 'member' && <span className="truncate text-xs text-slate-500">{t(`chat.mention.${suggestion.kind}`)}</span>}
        </div>
      ))}
    </div>
  );
}
