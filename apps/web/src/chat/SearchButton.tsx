/**
 * SearchButton: what opens the message search panel — a search-box-like bar (above the
 * conversation list, with the Ctrl/⌘ K hint on wide screens) or an icon button (a conversation's
 * header). It only asks; ChatPage owns the panel.
 */
import { useI18n } from '../i18n/useI18n';
import { SearchIcon } from '../layout/icons';
import { SEARCH_KEYSHORTCUTS, searchShortcutLabel } from './search-shortcut';

export function SearchButton({ variant, label, onClick }: { variant: 'bar' | 'icon'; label?: string; onClick: () => void }) {
  const { t } = useI18n();
  const name = label ?? t('search.open');
  if (variant === 'icon') {
    return (
      <button type="button" className="btn-icon" aria-label={name} title={name} onClick={onClick} data-testid="search-open-here">
        <SearchIcon />
      </button>
    );
  }
  return (
    <button
      type="button"
      className="flex w-full items-center gap-2 rounded-lg border border-slate-200 bg-slate-50 px-3 py-1.5 text-left text-sm text-slate-500 hover:border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-400 dark:hover:bg-slate-700"
      aria-keyshortcuts={SEARCH_KEYSHORTCUTS}
      onClick={onClick}
      data-testid="search-open"
    >
      <SearchIcon className="h-4 w-4 shrink-0" />
      <span className="flex-1 truncate">{name}</span>
      <kbd className="hidden rounded border border-slate-300 bg-white px-1.5 font-sans text-[11px] text-slate-500 sm:inline dark:border-slate-600 dark:bg-slate-900">
        {searchShortcutLabel()}
      </kbd>
    </button>
  );
}
