/**
 * MuteToggle: mutes or unmutes one conversation for the signed-in user on every device — a member
 * setting on the server (`PUT /conversations/:id/mute`), so push stops too and other tabs follow
 * (`conversation_muted`). A muted conversation still alerts for a message that mentions me.
 */
import { toast } from 'sonner';
import { useChat } from '../chat/useChat';
import { useConversationList } from '../chat/useConversationList';
import { useI18n } from '../i18n/useI18n';
import { BellIcon } from '../layout/icons';

export function MuteToggle({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const { conversations } = useChat();
  const list = useConversationList();
  const muted = list.conversations.find((c) => c.id === conversationId)?.muted ?? false;
  const label = muted ? t('chat.mute.unmute') : t('chat.mute.mute');
  return (
    <button
      type="button"
      className={`btn-icon relative ${muted ? 'text-amber-600 dark:text-amber-400' : ''}`}
      aria-pressed={muted}
      aria-label={t('chat.mute.label')}
      title={`${label} — ${t('chat.mute.hint')}`}
      data-testid="mute-toggle"
      onClick={() => void conversations.setMuted(conversationId, !muted).catch(() => toast.error(t('push.muteFailed')))}
    >
      <BellIcon />
      {muted && (
        <svg viewBox="0 0 24 24" className="pointer-events-none absolute h-5 w-5" aria-hidden="true" focusable="false">
          <path d="M3 3l18 18" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" />
        </svg>
      )}
    </button>
  );
}
