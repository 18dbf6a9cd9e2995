/**
 * useBlock: whether I blocked `userId` (read from `GET /users/blocked` when the person changes), and
 * a toggle that blocks or unblocks them. `blocked` is undefined until known (or with no person).
 * A block closes our direct conversation both ways; the server refuses the sends, this only shows it.
 */
import { useCallback, useEffect, useState } from 'react';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';

export function useBlock(userId: string | undefined): { blocked: boolean | undefined; busy: boolean; toggle: () => Promise<void> } {
  const { api } = useServices();
  const { t } = useI18n();
  const [blocked, setBlocked] = useState<boolean | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setBlocked(undefined);
    if (!userId) return;
    let cancelled = false;
    api.users.blocked().then(
      ({ users }) => !cancelled && setBlocked(users.some((u) => u.id === userId)),
      () => undefined, // unknown: the action stays hidden rather than guessing
    );
    return () => {
      cancelled = true;
    };
  }, [api, userId]);

  const toggle = useCallback(async () => {
    if (!userId || blocked === undefined) return;
    setBusy(true);
    try {
      if (blocked) await api.users.unblock({ params: { id: userId } });
      else await api.users.block({ params: { id: userId } });
      setBlocked(!blocked); // the conversation's notice shows it (a toast would cover the header's button)
    } catch (error) {
      toast.error(t('chat.blockFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  }, [api, t, userId, blocked]);

  return { blocked, busy, toggle };
}
