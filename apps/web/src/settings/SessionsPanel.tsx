/**
 * "Where you're signed in": the caller's live sessions (`GET /auth/sessions`), this device first,
 * each with its device, when it was last active and when it signed in. Another device can be signed
 * out on its own, or every other device at once after a confirmation; this device's button is the
 * normal sign-out. The server closes a revoked session's sockets, so the other device leaves at once.
 */
import type { SessionSummary } from '@herald/protocol';
import { useState } from 'react';
import { toast } from 'sonner';
import { PolledPanel } from '../admin/PolledPanel';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { ConfirmBar } from './ConfirmBar';
import { relativeTime } from './relative-time';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function SessionsPanel(props: { sessions: SessionSummary[] | null; error: string | null; onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const sessions = [...(props.sessions ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  const others = sessions.filter((s) => !s.current).length;

  const revokeOthers = async () => {
    setBusy(true);
    try {
      const { revoked } = await api.auth.revokeOtherSessions();
      toast.success(t('settings.sessions.othersDone', { count: revoked }));
      setConfirming(false);
    } catch (error) {
      toast.error(t('settings.sessions.failed', { message: messageOf(error) }));
    } finally {
      setBusy(false);
      props.onChanged();
    }
  };

  return (
    <PolledPanel id="sessions-title" title={t('settings.sessions')} error={props.error} onRefresh={props.onChanged}>
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="sessions">
        {sessions.map((session) => (
          <SessionRow key={session.id} session={session} onRevoked={props.onChanged} />
        ))}
      </ul>
      {props.sessions && others === 0 && <p className="mt-2 text-sm text-slate-500">{t('settings.sessions.onlyHere')}</p>}
      {others > 0 && (
        <div className="mt-3">
          {confirming ? (
            <ConfirmBar
              question={t('settings.sessions.confirmOthers', { count: others })}
              confirmLabel={t('settings.sessions.confirm')}
              cancelLabel={t('settings.sessions.cancel')}
              busy={busy}
              onConfirm={revokeOthers}
              onCancel={() => setConfirming(false)}
            />
          ) : (
            <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
              {t('settings.sessions.signOutOthers')}
            </button>
          )}
        </div>
      )}
    </PolledPanel>
  );
}

function SessionRow({ session: s, onRevoked }: { session: SessionSummary; onRevoked: () => void }) {
  const { t, locale } = useI18n();
  const { api, session } = useServices();
  const [busy, setBusy] = useState(false);
  const device = s.deviceName ?? t('settings.sessions.unknownDevice');
  const signedIn = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(s.createdAt);

  const revoke = async () => {
    setBusy(true);
    try {
      await api.auth.revokeSession({ params: { id: s.id } });
      toast.success(t('settings.sessions.oneDone', { device }));
    } catch (error) {
      toast.error(t('settings.sessions.failed', { message: messageOf(error) }));
    } finally {
      setBusy(false);
      onRevoked();
    }
  };

  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-2 py-3" data-testid="session" data-current={s.current || undefined}>
      <div className="min-w-0 flex-1 basis-56">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium break-words" data-testid="session-device">
            {device}
          </span>
          {s.current && (
            <span className="rounded bg-emerald-100 px-1.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">
              {t('settings.sessions.thisDevice')}
            </span>
          )}
        </div>
        <div className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-300">
          <span>{t('settings.sessions.lastActive', { time: relativeTime(s.lastUsedAt, Date.now(), locale) })}</span>
          <span>{t('settings.sessions.signedIn', { date: signedIn })}</span>
        </div>
      </div>
      {s.current ? (
        <button type="button" className="btn-secondary py-1" onClick={() => void session.logout()}>
          {t('settings.sessions.signOutHere')}
        </button>
      ) : (
        <button type="button" className="btn-secondary py-1" disabled={busy} onClick={revoke}>
          {t('settings.sessions.signOut')}
        </button>
      )}
    </li>
  );
}
