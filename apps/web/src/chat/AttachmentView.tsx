/**
 * An attachment inside a message: an image preview (space reserved from its size, so the list does
 * not jump), an audio player, or a download link — all through signed links, since the files need
 * authorisation. Links are renewed before they expire (useFileUrl); a click on a link that is no
 * longer fresh (a late timer: the laptop slept) waits for a new one first, and media that fail to
 * load ask for a new link. Inside a conversation, a click on an image opens the lightbox instead
 * of the link (a modified click — new tab, download — still follows the link).
 */
import type { Attachment, MessageType } from '@herald/protocol';
import type { MouseEvent } from 'react';
import { useI18n } from '../i18n/useI18n';
import { FileIcon } from '../layout/icons';
import { useServices } from '../services';
import { useOpenLightbox } from './lightbox-images';
import { useFileUrl } from './useFileUrl';

const MAX_IMAGE = 240;

export function formatBytes(size: number | undefined): string {
  if (size === undefined) return '';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentView({ type, attachment }: { type: MessageType; attachment: Attachment }) {
  const { t } = useI18n();
  const { url, mediaUrl, failed, onMediaError, fresh } = useFileUrl(attachment.fileId);
  const { fileLinks } = useServices();
  const openLightbox = useOpenLightbox();
  // The href on screen is normally fresh; if it is not, stop the click and follow a new link instead.
  const onLinkClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (fileLinks.peek(attachment.fileId)) return;
    event.preventDefault();
    const anchor = event.currentTarget;
    void fresh().then((link) => followLink(anchor, link), onMediaError);
  };
  const name = attachment.name ?? attachment.fileId;
  if (failed) return <p className="text-sm italic opacity-80">{t('chat.attachment.failed')}</p>;
  if (type === 'image') {
    const width = Math.min(MAX_IMAGE, attachment.width ?? MAX_IMAGE);
    const height =
      attachment.width && attachment.height ? Math.round((width * attachment.height) / attachment.width) : Math.round(width * 0.75);
    return url && mediaUrl ? (
      <a
        href={url}
        target="_blank"
        rel="noreferrer"
        className="block"
        aria-label={t('lightbox.open', { name })}
        onClick={(event) => {
          if (openLightbox && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
            event.preventDefault();
            openLightbox(attachment.fileId);
          } else onLinkClick(event);
        }}
      >
        <img
          src={mediaUrl}
          alt={name}
          width={width}
          height={height}
          onError={onMediaError}
          className="max-w-full rounded-lg bg-slate-200 object-cover dark:bg-slate-700"
          style={{ width, height }}
        />
      </a>
    ) : (
      <div
        className="animate-pulse rounded-lg bg-slate-200 dark:bg-slate-700"
        style={{ width, height }}
        role="img"
        aria-label={t('chat.attachment.loading')}
      />
    );
  }
  if (type === 'audio') {
    return mediaUrl ? (
      // biome-ignore lint/a11y/useMediaCaption: user-uploaded voice/audio has no captions to offer
      <audio controls preload="metadata" src={mediaUrl} onError={onMediaError} className="w-64 max-w-full" aria-label={name} />
    ) : (
      <div className="h-10 w-64 max-w-full animate-pulse rounded-full bg-slate-200 dark:bg-slate-700" />
    );
  }
  return (
    <a
      href={url ?? undefined}
      download={name}
      onClick={onLinkClick}
      data-testid="file-download"
      aria-label={t('chat.attachment.download', { name })}
      className="flex items-center gap-2 rounded-lg bg-black/5 px-3 py-2 text-sm underline-offset-2 hover:underline dark:bg-white/10"
    >
      <FileIcon className="h-5 w-5 shrink-0" />
      <span className="truncate">{name}</span>
      <span className="shrink-0 text-xs opacity-70">{formatBytes(attachment.size)}</span>
    </a>
  );
}

/** Follow `href` as the clicked anchor would have (same target and download name), after a renewal. */
function followLink(anchor: HTMLAnchorElement, href: string): void {
  const copy = document.createElement('a');
  copy.href = href;
  if (anchor.target) copy.target = anchor.target;
  if (anchor.rel) copy.rel = anchor.rel;
  if (anchor.hasAttribute('download')) copy.download = anchor.download;
  copy.style.display = 'none';
  document.body.append(copy);
  copy.click();
  copy.remove();
}
