/** Uploads in progress above the composer: a progress bar each, or the failure with retry and dismiss. */
import { useI18n } from '../i18n/useI18n';
import type { Upload } from './useUploads';

export function UploadList({
  uploads,
  onRetry,
  onDismiss,
}: {
  uploads: readonly Upload[];
  onRetry: (id: string) => void;
  onDismiss: (id: string) => void;
}) {
  const { t } = useI18n();
  if (uploads.length === 0) return null;
  return (
    <ul className="space-y-1 border-t border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900" aria-label="uploads">
      {uploads.map((upload) => {
        const percent = Math.round(upload.progress * 100);
        return (
          <li key={upload.id} className="text-sm" data-testid="upload">
            {upload.error ? (
              <div role="alert" className="flex flex-wrap items-center gap-2 text-red-700 dark:text-red-400">
                <span className="min-w-0 flex-1 truncate">
                  {t('chat.upload.failed', { name: upload.file.name, message: upload.error })}
                </span>
                <button type="button" className="btn-secondary py-0.5" onClick={() => onRetry(upload.id)}>
                  {t('chat.retry')}
                </button>
                <button type="button" className="btn-secondary py-0.5" onClick={() => onDismiss(upload.id)}>
                  {t('chat.upload.cancel')}
                </button>
              </div>
            ) : (
              <div className="flex items-center gap-2">
                <span className="min-w-0 flex-1 truncate text-slate-600 dark:text-slate-300">
                  {t('chat.upload.progress', { name: upload.file.name, percent })}
                </span>
                <div
                  className="h-1.5 w-32 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
                  role="progressbar"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  aria-label={upload.file.name}
                >
                  <div className="h-full bg-blue-600 transition-[width]" style={{ width: `${percent}%` }} />
                </div>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
