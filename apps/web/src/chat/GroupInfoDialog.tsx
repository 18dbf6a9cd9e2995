/**
 * GroupInfoDialog: a group's info and members, opened from the conversation header (native
 * <dialog>: focus stays inside, Escape closes). Everyone sees the members with their role and
 * presence and may leave (after a confirm). The owner — or an admin — also renames the group, adds
 * people (user search), removes members and hands ownership to another member (after a confirm).
 * What it shows comes from the conversation list, which `conversation_updated` / `member_removed`
 * keep live, so another member's change shows here without a reload.
 */
import { type Conversation, ErrorCode, HeraldError } from '@herald/protocol';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/useI18n';
import { CloseIcon } from '../layout/icons';
import { useServices } from '../services';
import { Avatar } from './Avatar';
import { ConfirmDialog } from './ConfirmDialog';
import { useChat } from './useChat';
import { usePeerPresence, usePresenceLabel } from './usePeerPresence';
import { useUserSearch } from './useUserSearch';

type Member = Conversation['members'][number];
type Asking = { kind: 'remove' | 'transfer'; member: Member } | { kind: 'leave' };

export function GroupInfoDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const { user } = useChat();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [title, setTitle] = useState(conversation.title ?? '');
  const [query, setQuery] = useState('');
  const [asking, setAsking] = useState<Asking | null>(null);
  const [busy, setBusy] = useState(false);
  const presenceOf = usePeerPresence(conversation.members.map((m) => m.userId));
  const presenceLabel = usePresenceLabel();
  const { users, loading } = useUserSearch(query, user.id);
  const manager = conversation.ownerId === user.id || user.role === 'admin';
  const candidates = users.filter((u) => !conversation.members.some((m) => m.userId === u.id));

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal?.();
    return () => element?.close?.();
  }, []);

  /** Run one change; a refusal is a toast (the list follows the server's events, not this answer). */
  const run = async (change: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await change();
      toast.success(done);
      return true;
    } catch (error) {
      const forbidden = error instanceof HeraldError && error.code === ErrorCode.Forbidden;
      toast.error(
        forbidden ? t('group.forbidden') : t('group.failed', { message: error instanceof Error ? error.message : String(error) }),
      );
      return false;
    } finally {
      setBusy(false);
    }
  };
  const params = { id: conversation.id };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    const next = title.trim();
    if (!next || next === conversation.title) return;
    void run(() => api.conversations.rename({ params, body: { title: next } }), t('group.renamed'));
  };

  const confirm = async () => {
    const question = asking;
    setAsking(null);
    if (!question) return;
    if (question.kind === 'leave') {
      const left = await run(() => api.conversations.removeMember({ params: { ...params, userId: user.id } }), t('group.left'));
      if (left) {
        onClose();
        navigate('/chat');
      }
    } else if (question.kind === 'remove') {
      const { member } = question;
      await run(() => api.conversations.removeMember({ params: { ...params, userId: member.userId } }), t('group.removeConfirm'));
    } else {
      const { member } = question;
      await run(
        () => api.conversations.transferOwnership({ params, body: { userId: member.userId } }),
        t('group.transferred', { name: member.name }),
      );
    }
  };

  const question = asking && questionText(asking, conversation.ownerId === user.id);

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      data-testid="group-info"
      onCancel={(event) => {
        event.preventDefault();
        // Escape in a confirm opened from here is that dialog's, not this one's (React passes it up).
        if (event.target === event.currentTarget) onClose();
      }}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(30rem,calc(100vw-2rem))] rounded-2xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {t('group.info')}
        </h2>
        <button type="button" className="btn-icon" aria-label={t('group.close')} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div className="space-y-5 px-5 py-4">
        {manager ? (
          <form onSubmit={rename} className="flex items-end gap-2" noValidate>
            <div className="min-w-0 flex-1 space-y-1">
              <label htmlFor={`${id}-name`} className="block text-sm font-medium">
                {t('group.name')}
              </label>
              <input id={`${id}-name`} className="input" value={title} maxLength={120} onChange={(event) => setTitle(event.target.value)} />
            </div>
            <button type="submit" className="btn-secondary" disabled={busy || !title.trim() || title.trim() === conversation.title}>
              {t('group.rename')}
            </button>
          </form>
        ) : (
          <p className="text-lg font-semibold" data-testid="group-name">
            {conversation.title}
          </p>
        )}
        <section aria-labelledby={`${id}-members`}>
          <h3 id={`${id}-members`} className="mb-2 text-sm font-semibold">
            {t('group.members')} · {conversation.members.length}
          </h3>
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="group-members">
            {conversation.members.map((member) => {
              const presence = presenceOf(member.userId);
              const mine = member.userId === user.id;
              return (
                <li key={member.userId} className="flex items-center gap-3 py-2" data-member={member.userId} data-role={member.role}>
                  <Avatar
                    name={member.name}
                    seed={member.userId}
                    image={member.avatar}
                    presence={presence.kind}
                    presenceLabel={presenceLabel(presence)}
                  />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium">
                      {member.name}
                      {mine && <span className="text-slate-500"> ({t('group.you')})</span>}
                    </span>
                    {member.role === 'owner' && (
                      <span className="text-xs font-medium text-blue-700 dark:text-blue-300" data-testid="owner-badge">
                        {t('group.owner')}
                      </span>
                    )}
                  </span>
                  {manager && !mine && (
                    <span className="flex shrink-0 gap-1">
                      {member.role !== 'owner' && (
                        <button
                          type="button"
                          className="btn-secondary px-2 py-1 text-xs"
                          disabled={busy}
                          aria-label={t('group.makeOwner', { name: member.name })}
                          onClick={() => setAsking({ kind: 'transfer', member })}
                        >
                          {t('group.makeOwnerShort')}
                        </button>
                      )}
                      <button
                        type="button"
                        className="btn-icon"
                        disabled={busy}
                        aria-label={t('group.remove', { name: member.name })}
                        onClick={() => setAsking({ kind: 'remove', member })}
                      >
                        <CloseIcon className="h-4 w-4" />
                      </button>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
        {manager && (
          <section className="space-y-2" aria-labelledby={`${id}-add`}>
            <h3 id={`${id}-add`} className="text-sm font-semibold">
              {t('group.add')}
            </h3>
            <input
              type="search"
              className="input"
              aria-label={t('group.addSearch')}
              placeholder={t('group.addSearch')}
              value={query}
              autoComplete="off"
              onChange={(event) => setQuery(event.target.value)}
            />
            {query.trim() !== '' && (
              <ul className="max-h-48 overflow-y-auto rounded-lg ring-1 ring-slate-200 dark:ring-slate-800" aria-busy={loading}>
                {!loading && candidates.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">{t('group.noResults')}</li>}
                {candidates.map((candidate) => (
                  <li key={candidate.id}>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={t('group.addButton', { name: candidate.name })}
                      className="flex w-full items-center gap-3 px-3 py-2 text-left hover:bg-slate-50 disabled:opacity-60 dark:hover:bg-slate-800"
                      onClick={() =>
                        void run(
                          () => api.conversations.addMembers({ params, body: { userIds: [candidate.id] } }),
                          t('group.added', { name: candidate.name }),
                        ).then((added) => added && setQuery(''))
                      }
                    >
                      <Avatar name={candidate.name} seed={candidate.id} image={candidate.avatar} />
                      <span className="truncate text-sm font-medium">{candidate.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
        <div className="flex justify-end border-t border-slate-200 pt-4 dark:border-slate-800">
          <button
            type="button"
            className="btn-secondary text-red-700 dark:text-red-300"
            disabled={busy}
            onClick={() => setAsking({ kind: 'leave' })}
          >
            {t('group.leave')}
          </button>
        </div>
      </div>
      {asking && question && (
        <ConfirmDialog
          title={t(question.title, { name: 'member' in asking ? asking.member.name : '' })}
          body={t(question.body, { name: 'member' in asking ? asking.member.name : '' })}
          confirmLabel={t(question.confirm)}
          cancelLabel={t('group.cancel')}
          danger={asking.kind !== 'transfer'}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(null)}
        />
      )}
    </dialog>
  );
}

function questionText(asking: Asking, owner: boolean): { title: MessageKey; body: MessageKey; confirm: MessageKey } {
  if (asking.kind === 'leave') {
    return { title: 'group.leaveTitle', body: owner ? 'group.leaveBodyOwner' : 'group.leaveBody', confirm: 'group.leaveConfirm' };
  }
  if (asking.kind === 'remove') return { title: 'group.removeTitle', body: 'group.removeBody', confirm: 'group.removeConfirm' };
  return { title: 'group.transferTitle', body: 'group.transferBody', confirm: 'group.transferConfirm' };
}
