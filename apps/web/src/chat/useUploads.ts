/**
 * useUploads: files being uploaded to a conversation, with progress, failure and retry. When an
 * upload finishes, the message carrying it is sent (type from the file's detected kind), with the
 * caption (`text`) and reply target it was added with. Files added together upload in parallel
 * but their messages go out in the order added (`after`: the previous file's turn), so a caption on
 * the first file comes first; a failed upload never holds the others back.
 */
import type { FileInfo, MessageType } from '@herald/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../services';

export interface Upload {
  id: string;
  file: File;
  /** Sent with the file's message: its caption and the message it replies to. */
  extra: UploadExtra;
  /** 0..1 */
  progress: number;
  error: string | null;
}

export interface UploadExtra {
  text?: string;
  replyTo?: string;
}

type SendAttachment = (content: {
  type: Exclude<MessageType, 'text' | 'system'>;
  text?: string;
  replyTo?: string;
  attachment: { fileId: string; name?: string; mimeType?: string; size?: number; width?: number; height?: number };
}) => unknown;

export function messageTypeOf(kind: FileInfo['kind']): 'image' | 'audio' | 'file' {
  return kind === 'image' ? 'image' : kind === 'audio' ? 'audio' : 'file';
}

export function useUploads(send: SendAttachment) {
  const { uploader } = useServices();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const aborts = useRef(new Map<string, () => void>());
  const sendRef = useRef(send);
  sendRef.current = send;

  const update = useCallback(
    (id: string, patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...patch } : u))),
    [],
  );

  const run = useCallback(
    (id: string, file: File, extra: UploadExtra, after: Promise<void> = Promise.resolve()): Promise<void> => {
      update(id, { progress: 0, error: null });
      const handle = uploader.upload(file, (progress) => update(id, { progress }));
      aborts.current.set(id, handle.abort);
      return handle.promise.then(
        async ({ file: info }) => {
          await after;
          aborts.current.delete(id);
          setUploads((list) => list.filter((u) => u.id !== id));
          sendRef.current({
            ...extra,
            type: messageTypeOf(info.kind),
            attachment: {
              fileId: info.id,
              name: info.name,
              mimeType: info.mimeType,
              size: info.size,
              ...(info.width ? { width: info.width } : {}),
              ...(info.height ? { height: info.height } : {}),
            },
          });
        },
        async (error: unknown) => {
          aborts.current.delete(id);
          update(id, { error: error instanceof Error ? error.message : String(error) });
          await after;
        },
      );
    },
    [uploader, update],
  );

  useEffect(() => {
    const pending = aborts.current;
    return () => {
      for (const abort of pending.values()) abort();
    };
  }, []);

  return {
    uploads,
    /** Upload `file` and then send it; resolves once its message is handed over (or its upload failed). */
    add: (file: File, extra: UploadExtra = {}, after?: Promise<void>): Promise<void> => {
      const id = crypto.randomUUID();
      setUploads((list) => [...list, { id, file, extra, progress: 0, error: null }]);
      return run(id, file, extra, after);
    },
    retry: (id: string) => {
      const upload = uploads.find((u) => u.id === id);
      if (upload) void run(id, upload.file, upload.extra);
    },
    dismiss: (id: string) => {
      aborts.current.get(id)?.();
      setUploads((list) => list.filter((u) => u.id !== id));
    },
  };
}
