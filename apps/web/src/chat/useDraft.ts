/** useDraft: the composer's text for one conversation, saved as a draft on every change (DraftStore). */
import { useCallback, useMemo, useState } from 'react';
import { DraftStore } from './draft-store';

export function useDraft(userId: string, conversationId: string): [string, (text: string) => void] {
  const drafts = useMemo(() => new DraftStore(userId), [userId]);
  const [text, setText] = useState(() => drafts.load(conversationId));
  const update = useCallback(
    (next: string) => {
      setText(next);
      drafts.save(conversationId, next);
    },
    [drafts, conversationId],
  );
  return [text, update];
}
