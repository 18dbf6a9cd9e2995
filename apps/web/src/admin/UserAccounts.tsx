/**
 * User accounts (admin): find accounts by name or email (an admin's search carries email, role and whether
 * the account is disabled), then disable or enable one, or sign it out on every device, each after a
 * confirmation. The server ends the sessions and closes their sockets on every node; the row takes
 * its new state from the answer. An admin cannot disable themself (the server refuses too), and
 * manages their own sessions in Settings rather than here.
 */
import type { UserSearchResult } from '@herald/protocol';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import { useChat } from '../chat/useChat';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { ConfirmBar } from '../settings/ConfirmBar';
import { codeWord } from './admin-labels';

const LIMIT = 20;
type Action = 'disable' | 'enable' | 'signOut';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function UserAccounts() {
  const { t } = useI18n();
  const { api } = useServices();
  const id = useId();
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<UserSearchResult[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const search = useCallback(
    async (text: string) => {
      try {
        setUsers((await api.users.search({ query: { query: text.trim(), limit: LIMIT } })).users);
        setProblem(null);
      } catch (error) {
        setProblem(t('admin.loadFailed', { message: messageOf(error) }));
      }
    },
    [api, t],
  );

  // The first page of everyone, until the admin searches.
  useEffect(() => {
    void search('');
  }, [search]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search(query);
  };

  const changed = (next: UserSearchResult) => setUsers((list) => list?.map((u) => (u.id === next.id ? next : u)) ?? null);

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 font-semibold">
        {t('admin.users')}
      </h2>
      <form onSubmit={submit} className="mb-2 flex gap-2">
        <label htmlFor={`${id}-query`} className="sr-only">
          {t('admin.users.search')}
        </label>
        <input
          id={`${id}-query`}
          type="search"
          className="input"
          placeholder={t('admin.users.search')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="btn-secondary">
          {t('admin.users.searchButton')}
        </button>
      </form>
      {problem && (
        <p role="alert" className="text-sm text-red-600">
          {problem}
        </p>
      )}
      {users?.length === 0 && <p className="text-sm text-slate-500">{t('admin.users.none')}</p>}
      <ul className="max-h-[32rem] divide-y divide-slate-100 overflow-y-auto dark:divide-slate-800" data-testid="user-accounts">
        {users?.map((user) => (
          <UserRow key={user.id} user={user} onChanged={changed} />
        ))}
      </ul>
    </section>
  );
}

function UserRow({ user, onChanged }: { user: UserSearchResult; onChanged: (user: UserSearchResult) => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const me = useChat().user;
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const self = user.id === me.id;
  const name = user.name;

  const run = async (action: Action) => {
    setBusy(true);
    setProblem(null);
    try {
      if (action === 'signOut') {
        const { revoked } = await api.admin.revokeUserSessions({ params: { id: user.id } });
        toast.success(t('admin.users.signedOut', { name, count: revoked }));
      } else {
        const route = action === 'disable' ? api.admin.disableUser : api.admin.enableUser;
        const answer = await route({ params: { id: user.id } });
        onChanged({ ...user, disabled: answer.disabled });
        toast.success(
          answer.disabled ? t('admin.users.disabledDone', { name, count: answer.revoked }) : t('admin.users.enabledDone', { name }),
        );
      }
      setConfirming(null);
    } catch (error) {
      setProblem(t('admin.users.failed', { message: messageOf(error) }));
    } finally {
      setBusy(false);
    }
  };

  const question: Record<Action, string> = {
    disable: t('admin.users.confirmDisable', { name }),
    enable: t('admin.users.confirmEnable', { name }),
    signOut: t('admin.users.confirmSignOut', { name }),
  };

  return (
    <li className="space-y-2 py-2 text-sm" data-testid={`user-account-${user.id}`}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium">{name}</span>
        {self && <span className="text-xs text-slate-500">({t('admin.users.you')})</span>}
        {user.role && (
          <span className="rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">{codeWord(t, 'admin.role.', user.role)}</span>
        )}
        {user.disabled && (
          <span className="rounded bg-red-100 px-1.5 text-xs text-red-800 dark:bg-red-900 dark:text-red-100" data-testid="user-disabled">
            {t('admin.users.disabled')}
          </span>
        )}
        <span className="w-full truncate text-xs text-slate-600 sm:w-auto dark:text-slate-300">{user.email}</span>
        {self ? (
          <Link
            to="/settings"
            className="text-xs text-blue-600 hover:underline sm:ml-auto dark:text-blue-400"
            title={t('admin.users.notYourself')}
          >
            {t('nav.settings')}
          </Link>
        ) : (
          confirming === null && (
            <div className="flex flex-wrap gap-2 sm:ml-auto">
              <button
                type="button"
                className="btn-secondary py-0.5 text-xs"
                onClick={() => setConfirming(user.disabled ? 'enable' : 'disable')}
              >
                {t(user.disabled ? 'admin.users.enable' : 'admin.users.disable')}
              </button>
              <button type="button" className="btn-secondary py-0.5 text-xs" onClick={() => setConfirming('signOut')}>
                {t('admin.users.signOutEverywhere')}
              </button>
            </div>
          )
        )}
      </div>
      {confirming && (
        <ConfirmBar
          question={question[confirming]}
          confirmLabel={t('admin.users.confirm')}
          cancelLabel={t('admin.users.cancel')}
          busy={busy}
          onConfirm={() => void run(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
      {problem && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </li>
  );
}
