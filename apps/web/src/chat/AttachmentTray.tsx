/**
 * AttachmentTray: files pasted or dropped, waiting above the composer for Send — a preview (image)
 * or an icon, name and size each, a remove button each, and Cancel all. The composer's text goes
 * with them as the caption.
 */
import { useI18n } from '../i18n/useI18n';
import { FileIcon } from '../layout/icons';
import { formatBytes } from './AttachmentView';
import { PENDING_MAX, type PendingAttachment } from './usePendingAttachments';

export function AttachmentTray({
  items,
  refused,
  onRemove,
  onCancel,
}: {
  items: readonly PendingAttachment[];
  refused: number;
  onRemove: (id: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  if (items.length === 0 && refused === 0) return null;
  return (
    <section
      className="border-t border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900"
      aria-label={t('tray.label')}
      data-testid="attachment-tray"
    >
      <div className="mb-1.5 flex items-center justify-between gap-2 text-xs text-slate-500">
        <span>{t('tray.hint', { count: items.length })}</span>
        {items.length > 0 && (
          <button type="button" className="btn-secondary py-0.5 text-xs" onClick={onCancel}>
            {t('tray.cancelAll')}
          </button>
        )}
      </div>
      {refused > 0 && (
        <p role="alert" className="mb-1.5 text-xs text-amber-700 dark:text-amber-300">
          {t('tray.tooMany', { max: PENDING_MAX, count: refused })}
        </p>
      )}
      <ul className="flex gap-2 overflow-x-auto pb-1">
        {items.map((item) => (
          <li
            key={item.id}
            data-testid="pending-attachment"
            className="relative flex w-28 shrink-0 flex-col overflow-hidden rounded-lg border border-slate-200 dark:border-slate-700"
          >
            {item.preview ? (
              <img src={item.preview} alt={item.file.name} className="h-20 w-full bg-slate-100 object-cover dark:bg-slate-800" />
            ) : (
              <div className="flex h-20 items-center justify-center bg-slate-100 dark:bg-slate-800">
                <FileIcon className="h-8 w-8 text-slate-500" />
              </div>
            )}
            <span className="truncate px-1.5 pt-1 text-xs" title={item.file.name}>
              {item.file.name}
            </span>
            <span className="px-1.5 pb-1 text-[11px] text-slate-500">{formatBytes(item.file.size)}</span>
            <button
              type="button"
              className="absolute top-1 right-1 flex h-6 w-6 items-center justify-center rounded-full bg-black/60 text-xs text-white hover:bg-black/80"
              aria-label={t('tray.remove', { name: item.file.name })}
              onClick={() => onRemove(item.id)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
