/**
 * useFileUrl: signed, short-lived URLs for an uploaded file. `url` is always a working link (renewed
 * in the background before it expires: for hrefs); `mediaUrl` is the one a media element loaded and
 * changes only when that element fails (`onMediaError`), so a renewal never reloads an image or
 * restarts a playing audio; `fresh()` resolves with a link valid right now (for a click).
 */
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../services';

export interface FileUrl {
  url: string | null;
  mediaUrl: string | null;
  failed: boolean;
  onMediaError: () => void;
  fresh: () => Promise<string>;
}

export function useFileUrl(fileId: string): FileUrl {
  const { fileLinks } = useServices();
  const [state, setState] = useState(() => {
    const url = fileLinks.peek(fileId);
    return { url, mediaUrl: url, failed: false };
  });
  useEffect(() => {
    let cancelled = false;
    const unwatch = fileLinks.watch(fileId, (url) => !cancelled && setState((s) => ({ ...s, url })));
    fileLinks.get(fileId).then(
      (url) => !cancelled && setState((s) => ({ url, mediaUrl: s.mediaUrl ?? url, failed: false })),
      () => !cancelled && setState({ url: null, mediaUrl: null, failed: true }),
    );
    return () => {
      cancelled = true;
      unwatch();
    };
  }, [fileLinks, fileId]);
  const onMediaError = useCallback(() => {
    fileLinks.get(fileId).then(
      (url) => setState((s) => (s.mediaUrl === url ? s : { url, mediaUrl: url, failed: false })),
      () => setState({ url: null, mediaUrl: null, failed: true }),
    );
  }, [fileLinks, fileId]);
  const fresh = useCallback(() => fileLinks.get(fileId), [fileLinks, fileId]);
  return { ...state, onMediaError, fresh };
}
