import { useOnlineCount } from '@herald/react';
import { useI18n } from '../i18n/useI18n';

/**
 * "12 members · 3 online": a group's header shows a count from `conversation_presence` (cheap for a
 * group of any size) rather than watching every member; the member list watches its own.
 */
export function GroupHeadcount({ conversationId, members }: { conversationId: string; members: number }) {
  const { t } = useI18n();
  const count = useOnlineCount(conversationId);
  return (
    <span data-testid="group-headcount" data-online={count?.online}>
      {t('chat.members', { count: count?.members ?? members })}
      {count && ` · ${t('chat.onlineCount', { count: count.online })}`}
    </span>
  );
}
