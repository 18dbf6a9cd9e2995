/**
 * useUploads: files being uploaded to a conversation, with progress, failure and retry. When an
 * upload finishes, the message carrying it is sent (type from the file's detected kind).
 */
import type { FileInfo, MessageType } from '@herald/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../services';

export interface Upload {
  id: string;
  file: File;
  /** 0..1 */
  progress: number;
  error: string | null;
}

type SendAttachment = (content: {
  type: Exclude<MessageType, 'text' | 'system'>;
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
    (id: string, file: File) => {
      update(id, { progress: 0, error: null });
      const handle = uploader.upload(file, (progress) => update(id, { progress }));
      aborts.current.set(id, handle.abort);
      handle.promise.then(
        ({ file: info }) => {
          aborts.current.delete(id);
          setUploads((list) => list.filter((u) => u.id !== id));
          sendRef.current({
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
        (error: unknown) => {
          aborts.current.delete(id);
          update(id, { error: error instanceof Error ? error.message : String(error) });
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
    add: (file: File) => {
      const id = crypto.randomUUID();
      setUploads((list) => [...list, { id, file, progress: 0, error: null }]);
      run(id, file);
    },
    retry: (id: string) => {
      const upload = uploads.find((u) => u.id === id);
      if (upload) run(id, upload.file);
    },
    dismiss: (id: string) => {
      aborts.current.get(id)?.();
      setUploads((list) => list.filter((u) => u.id !== id));
    },
  };
}
