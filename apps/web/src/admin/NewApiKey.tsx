/**
 * The plaintext of a key just created, shown once with a copy button. It lives only in the state of
 * the panel that shows it: dismissing it (or leaving the page) drops the only copy the browser had.
 */
import { useId, useState } from 'react';
import { useI18n } from '../i18n/useI18n';

export function NewApiKey(props: { name: string; plaintext: string; onDismiss: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [copy, setCopy] = useState<'copied' | 'failed' | null>(null);

  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(props.plaintext);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <div
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950"
      data-testid="new-api-key"
    >
      <label htmlFor={`${id}-key`} className="block text-sm font-semibold">
        {t('admin.apiKeys.newKey')}: {props.name}
      </label>
      <p className="text-sm">{t('admin.apiKeys.shownOnce')}</p>
      <div className="flex gap-2">
        <input
          id={`${id}-key`}
          className="input font-mono text-xs"
          readOnly
          value={props.plaintext}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="btn-secondary shrink-0" onClick={copyKey}>
          {t('admin.apiKeys.copy')}
        </button>
      </div>
      {copy && (
        <p role="status" className="text-sm">
          {t(copy === 'copied' ? 'admin.apiKeys.copied' : 'admin.apiKeys.copyFailed')}
        </p>
      )}
      <button type="button" className="btn-primary" onClick={props.onDismiss}>
        {t('admin.apiKeys.dismiss')}
      </button>
    </div>
  );
}
