/** The frame of an admin panel fed by a polled endpoint: titled card, Refresh button, load error. */
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/useI18n';

export function PolledPanel(props: {
  id: string;
  title: ReactNode;
  error: string | null | undefined;
  onRefresh: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby={props.id}>
      <div className="mb-2 flex items-center justify-between">
        <h2 id={props.id} className="font-semibold">
          {props.title}
        </h2>
        <button type="button" className="btn-secondary py-1" onClick={props.onRefresh}>
          {t('admin.refresh')}
        </button>
      </div>
      {props.error && (
        <p role="alert" className="text-sm text-red-600">
          {t('admin.loadFailed', { message: props.error })}
        </p>
      )}
      {props.children}
    </section>
  );
}
