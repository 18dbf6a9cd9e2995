/**
 * usePendingAttachments: files pasted or dropped into a conversation, waiting in the tray for Send
 * (or to be removed). Images get a preview (an object URL, revoked when the file leaves the tray or
 * the conversation closes). At most PENDING_MAX files wait at once; more are refused with `refused`
 * counting them, so the tray can say so.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export const PENDING_MAX = 10;

export interface PendingAttachment {
  id: string;
  file: File;
  /** An object URL for images, else null. */
  preview: string | null;
}

export function usePendingAttachments() {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const [refused, setRefused] = useState(0);
  const live = useRef(items);
  live.current = items;

  useEffect(
    () => () => {
      for (const item of live.current) if (item.preview) URL.revokeObjectURL(item.preview);
    },
    [],
  );

  const add = useCallback((files: readonly File[]) => {
    const room = Math.max(0, PENDING_MAX - live.current.length);
    const taken = files.slice(0, room).map((file) => ({
      id: crypto.randomUUID(),
      file,
      preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
    }));
    setRefused(files.length - taken.length);
    if (taken.length > 0) setItems((list) => [...list, ...taken]);
  }, []);

  const remove = useCallback((id: string) => {
    const item = live.current.find((candidate) => candidate.id === id);
    if (item?.preview) URL.revokeObjectURL(item.preview);
    setRefused(0);
    setItems((list) => list.filter((candidate) => candidate.id !== id));
  }, []);

  /** Empty the tray; returns the files that were in it (for sending). */
  const take = useCallback((): File[] => {
    const files = live.current.map((item) => item.file);
    for (const item of live.current) if (item.preview) URL.revokeObjectURL(item.preview);
    setRefused(0);
    setItems([]);
    return files;
  }, []);

  return { items, refused, add, remove, take };
}
