/**
 * "New conversation": a modal dialog (native <dialog>: focus is trapped, Escape closes) with two
 * tabs — Direct (search a person, pick them) and Group (title + members) — that creates the
 * conversation and opens it. People are found by name, or by their exact email; others' emails
 * are shown only to admins (the server sends them to no one else).
 */
import { ErrorCode, HeraldError, type UserSearchResult } from '@herald/protocol';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { CloseIcon } from '../layout/icons';
import { useServices } from '../services';
import { Avatar } from './Avatar';
import { useChat } from './useChat';
import { useUserSearch } from './useUserSearch';

type Tab = 'direct' | 'group';

export function NewConversationDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const { user, conversations } = useChat();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [tab, setTab] = useState<Tab>('direct');
  const [query, setQuery] = useState('');
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<UserSearchResult[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { users, loading } = useUserSearch(query, user.id);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal?.();
    return () => element?.close?.();
  }, []);

  const create = async (body: { kind: 'direct'; userId: string } | { kind: 'group'; title: string; memberIds: string[] }) => {
    setBusy(true);
    setProblem(null);
    try {
      const { conversation } = await api.conversations.create({ body });
      conversations.upsert(conversation);
      onClose();
      navigate(`/chat/${conversation.id}`);
    } catch (error) {
      if (error instanceof HeraldError && error.code === ErrorCode.Forbidden) {
        // A block stands in the way (theirs or mine); the server does not say whose.
        const message = t(body.kind === 'direct' ? 'newConv.blockedDirect' : 'newConv.blockedGroup');
        toast.error(message);
        setProblem(message);
      } else setProblem(t('newConv.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const submitGroup = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return setProblem(t('newConv.titleRequired'));
    if (members.length === 0) return setProblem(t('newConv.membersRequired'));
    void create({ kind: 'group', title: title.trim(), memberIds: members.map((m) => m.id) });
  };

  const candidates = tab === 'group' ? users.filter((u) => !members.some((m) => m.id === u.id)) : users;

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        // Escape: let React unmount it (a 'close' listener would also fire on Strict Mode's effect replay).
        event.preventDefault();
        onClose();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {t('newConv.title')}
        </h2>
        <button type="button" className="btn-icon" aria-label={t('newConv.cancel')} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div className="space-y-4 px-5 py-4">
        <div role="tablist" className="grid grid-cols-2 rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
          {(['direct', 'group'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              onClick={() => {
                setTab(name);
                setProblem(null);
              }}
              className={`rounded-md py-1.5 text-sm font-medium ${tab === name ? 'bg-white shadow-sm dark:bg-slate-700' : 'text-slate-600 dark:text-slate-300'}`}
            >
              {t(name === 'direct' ? 'newConv.direct' : 'newConv.group')}
            </button>
          ))}
        </div>
        <form onSubmit={submitGroup} className="space-y-3" noValidate>
          {tab === 'group' && (
            <div className="space-y-1">
              <label htmlFor={`${id}-group-title`} className="block text-sm font-medium">
                {t('newConv.groupTitle')}
              </label>
              <input id={`${id}-group-title`} className="input" value={title} onChange={(event) => setTitle(event.target.value)} />
            </div>
          )}
          {tab === 'group' && members.length > 0 && (
            <ul aria-label={t('newConv.members')} className="flex flex-wrap gap-2">
              {members.map((member) => (
                <li
                  key={member.id}
                  className="flex items-center gap-1 rounded-full bg-blue-50 py-0.5 pr-1 pl-3 text-sm text-blue-800 dark:bg-blue-950 dark:text-blue-200"
                >
                  {member.name}
                  <button
                    type="button"
                    className="rounded-full p-0.5 hover:bg-blue-100 dark:hover:bg-blue-900"
                    aria-label={t('newConv.remove', { name: member.name })}
                    onClick={() => setMembers(members.filter((m) => m.id !== member.id))}
                  >
                    <CloseIcon className="h-3.5 w-3.5" />
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="space-y-1">
            <label htmlFor={`${id}-search`} className="block text-sm font-medium">
              {t('newConv.search')}
            </label>
            <input
              id={`${id}-search`}
              type="search"
              className="input"
              value={query}
              autoComplete="off"
              onChange={(event) => setQuery(event.target.value)}
              autoFocus
            />
          </div>
          <ul className="max-h-60 overflow-y-auto rounded-lg ring-1 ring-slate-200 dark:ring-slate-800" aria-busy={loading}>
            {!loading && candidates.length === 0 && <li className="px-3 py-3 text-sm text-slate-500">{t('newConv.noResults')}</li>}
            {candidates.map((candidate) => (
              <li key={candidate.id}>
                <button
                  type="button"
                  disabled={busy}
                  className="flex w-full items-center gap-3 px-3 py-2 text-left hover:bg-slate-50 disabled:opacity-60 dark:hover:bg-slate-800"
                  onClick={() =>
                    tab === 'direct' ? void create({ kind: 'direct', userId: candidate.id }) : setMembers([...members, candidate])
                  }
                >
                  <Avatar name={candidate.name} seed={candidate.id} />
                  <span className="min-w-0">
                    <span className="block truncate text-sm font-medium">{candidate.name}</span>
                    {candidate.email && <span className="block truncate text-xs text-slate-500">{candidate.email}</span>}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {problem && (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              {problem}
            </p>
          )}
          {tab === 'group' && (
            <div className="flex justify-end gap-2">
              <button type="button" className="btn-secondary" onClick={onClose}>
                {t('newConv.cancel')}
              </button>
              <button type="submit" className="btn-primary" disabled={busy}>
                {t('newConv.create')}
              </button>
            </div>
          )}
        </form>
      </div>
    </dialog>
  );
}
