/**
 * Lightbox: the conversation's loaded images full screen (a modal <dialog>: focus trapped, Escape
 * closes, focus goes back to the clicked image). ←/→ and the side buttons step through them
 * (lightbox-images); the image fits the screen, and "Actual size" shows it 1:1 (scrollable); the
 * download link saves the original. Each image loads through a signed link (useFileUrl).
 */
import type { KeyboardEvent } from 'react';
import { useId, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { type LightboxImage, stepIndex } from './lightbox-images';
import { useFileUrl } from './useFileUrl';
import { useModalDialog } from './useModalDialog';

export function Lightbox({
  images,
  startFileId,
  names,
  onClose,
}: {
  images: readonly LightboxImage[];
  startFileId: string;
  /** Member names by user id (who sent it). */
  names: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const dialog = useModalDialog(onClose);
  const id = useId();
  const [fileId, setFileId] = useState(startFileId);
  const [actualSize, setActualSize] = useState(false);
  // By file id, so an image arriving (or older ones loading) while it is open does not move the view.
  const found = images.findIndex((image) => image.fileId === fileId);
  const index = found === -1 ? 0 : found;
  const image = images[index];
  const go = (step: -1 | 1) => {
    const next = images[stepIndex(index, step, images.length)];
    if (next && next.fileId !== fileId) {
      setFileId(next.fileId);
      setActualSize(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      go(event.key === 'ArrowLeft' ? -1 : 1);
    }
  };
  const when = image ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(image.createdAt)) : '';

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      data-testid="lightbox"
      onKeyDown={onKeyDown}
      className="m-0 h-dvh max-h-none w-screen max-w-none bg-slate-950/95 p-0 text-white backdrop:bg-black/80"
    >
      <div className="flex h-full flex-col">
        <div className="flex items-center gap-2 px-3 py-2">
          <div className="min-w-0 flex-1">
            <h2 id={`${id}-title`} className="truncate text-sm font-semibold" data-testid="lightbox-title">
              {image?.name ?? ''}
            </h2>
            <p className="truncate text-xs text-slate-300">
              {image ? `${names.get(image.senderId) ?? '?'} · ${when} · ` : ''}
              <span data-testid="lightbox-position">{t('lightbox.position', { index: index + 1, count: images.length })}</span>
            </p>
          </div>
          <button
            type="button"
            className="rounded-lg px-2 py-1 text-sm hover:bg-white/10"
            aria-pressed={actualSize}
            onClick={() => setActualSize((value) => !value)}
          >
            {t(actualSize ? 'lightbox.fit' : 'lightbox.actualSize')}
          </button>
          {image && <DownloadLink fileId={image.fileId} name={image.name} label={t('lightbox.download')} />}
          <button
            type="button"
            className="rounded-lg px-2 py-1 text-lg leading-none hover:bg-white/10"
            aria-label={t('lightbox.close')}
            title={t('lightbox.close')}
            onClick={onClose}
          >
            ✕
          </button>
        </div>
        <div className="relative flex min-h-0 flex-1 items-center justify-center">
          <button
            type="button"
            className="absolute left-2 z-10 rounded-full bg-black/50 px-3 py-2 text-xl hover:bg-black/70 disabled:opacity-30"
            aria-label={t('lightbox.previous')}
            disabled={index === 0}
            onClick={() => go(-1)}
          >
            ‹
          </button>
          <div className={`h-full w-full ${actualSize ? 'overflow-auto' : 'flex items-center justify-center overflow-hidden'}`}>
            {image && <LightboxPicture key={image.fileId} image={image} actualSize={actualSize} />}
          </div>
          <button
            type="button"
            className="absolute right-2 z-10 rounded-full bg-black/50 px-3 py-2 text-xl hover:bg-black/70 disabled:opacity-30"
            aria-label={t('lightbox.next')}
            disabled={index >= images.length - 1}
            onClick={() => go(1)}
          >
            ›
          </button>
        </div>
      </div>
    </dialog>
  );
}

function LightboxPicture({ image, actualSize }: { image: LightboxImage; actualSize: boolean }) {
  const { t } = useI18n();
  const { mediaUrl, failed, onMediaError } = useFileUrl(image.fileId);
  if (failed) return <p className="text-sm text-slate-300">{t('chat.attachment.failed')}</p>;
  if (!mediaUrl) return <p className="text-sm text-slate-300">{t('chat.attachment.loading')}</p>;
  return (
    <img
      src={mediaUrl}
      alt={image.name}
      data-testid="lightbox-image"
      data-fit={actualSize ? 'actual' : 'contain'}
      onError={onMediaError}
      className={actualSize ? 'm-auto max-w-none' : 'max-h-full max-w-full object-contain p-2'}
    />
  );
}

function DownloadLink({ fileId, name, label }: { fileId: string; name: string; label: string }) {
  const { url } = useFileUrl(fileId);
  return (
    <a
      href={url ?? undefined}
      download={name}
      className="rounded-lg px-2 py-1 text-sm underline-offset-2 hover:bg-white/10 hover:underline"
      data-testid="lightbox-download"
    >
      {label}
    </a>
  );
}
