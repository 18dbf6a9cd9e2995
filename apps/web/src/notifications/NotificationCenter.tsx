/**
 * NotificationCenter (renders nothing): turns frames into notices — a toast for a new message in a
 * conversation other than the open one and for each system notification (once per id; read when
 * the toast closes), a desktop notification while the tab is hidden, and the optional beep.
 * Whether a message alerts is notify-decision's: a muted conversation stays quiet unless the
 * message mentions me (then the notice says so).
 */

import type { Message, Notification } from '@herald/protocol';
import { useHandler, useNotifications } from '@herald/react';
import { useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useChat } from '../chat/useChat';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { beep } from './beep';
import { notifyDesktop } from './desktop';
import { notifyDecision } from './notify-decision';
import { useLegacyMutes } from './useLegacyMutes';

const TOAST_MS = 5_000;

/** The toast id of a conversation's new-message notice. */
export const messageToastId = (conversationId: string) => `conversation-${conversationId}`;

export function NotificationCenter() {
  const { t } = useI18n();
  const { preferences } = useServices();
  const { user, conversations } = useChat();
  const { markRead: markNotificationsRead } = useNotifications();
  const location = useLocation();
  const navigate = useNavigate();
  const shown = useRef(new Set<string>());
  const openId = /^\/chat\/([^/]+)/.exec(location.pathname)?.[1] ?? null;
  useLegacyMutes();

  const alert = () => {
    if (preferences.getSound()) beep();
  };

  useHandler('new_message', (frame) => {
    const message: Message = frame.data;
    if (shown.current.has(message.id)) return;
    const decision = notifyDecision({
      message,
      myId: user.id,
      kind: conversations.get(message.conversationId)?.kind,
      muted: conversations.get(message.conversationId)?.muted ?? false,
      looking: message.conversationId === openId && document.visibilityState === 'visible',
    });
    if (decision === 'none') return;
    shown.current.add(message.id);
    const name = frame.sender?.name ?? '?';
    const body = message.text || t('toast.attachment', { kind: message.type });
    const open = () => navigate(`/chat/${message.conversationId}`);
    const title = t(decision === 'mention' ? 'toast.mentioned' : 'toast.newMessage', { name });
    if (message.conversationId !== openId) {
      toast(title, {
        // One toast per conversation (the latest message replaces it); opening the conversation closes it.
        id: messageToastId(message.conversationId),
        description: body.length > 120 ? `${body.slice(0, 120)}…` : body,
        duration: TOAST_MS,
        closeButton: true,
        action: { label: t('nav.chat'), onClick: open },
      });
    }
    if (preferences.getDesktop()) notifyDesktop(title, body, message.conversationId, open);
    alert();
  });

  useHandler('system_notification', (frame) => {
    const notification: Notification = frame.data;
    if (notification.read || shown.current.has(notification.id)) return;
    shown.current.add(notification.id);
    const markRead = () => void markNotificationsRead([notification.id]).catch(() => undefined);
    const show = notification.level === 'error' ? toast.error : notification.level === 'warning' ? toast.warning : toast.info;
    show(notification.title, {
      id: `notification-${notification.id}`,
      description: notification.message || undefined,
      duration: TOAST_MS,
      closeButton: true,
      onDismiss: markRead,
      // Seen if it timed out on a visible page; a hidden tab keeps it unread (it is replayed on the next connection).
      onAutoClose: () => document.visibilityState === 'visible' && markRead(),
    });
    if (preferences.getDesktop()) notifyDesktop(notification.title, notification.message, notification.id);
    alert();
  });

  return null;
}
