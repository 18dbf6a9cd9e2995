/** useFileUrl: a signed, short-lived URL for an uploaded file (null while loading; `failed` on error). */
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../services';

export function useFileUrl(fileId: string): { url: string | null; failed: boolean; renew: () => void } {
  const { fileLinks } = useServices();
  const [state, setState] = useState<{ url: string | null; failed: boolean }>(() => ({ url: fileLinks.peek(fileId), failed: false }));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void attempt;
    fileLinks.get(fileId).then(
      (url) => !cancelled && setState({ url, failed: false }),
      () => !cancelled && setState({ url: null, failed: true }),
    );
    return () => {
      cancelled = true;
    };
  }, [fileLinks, fileId, attempt]);
  const renew = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, renew };
}
