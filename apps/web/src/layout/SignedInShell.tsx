/**
 * The signed-in part of the app: waits for the session to be restored, sends signed-out visitors to
 * /login, and gives the signed-in user their own Herald client (made in an effect, disposed on
 * sign-out) and conversation list. The connection is held per page by `usePageConnection`, so
 * leaving /chat for /admin keeps one socket and /login never has one. /settings holds it too, so
 * notifications still arrive there and a session revoked elsewhere signs this page out at once.
 */
import type { User } from '@herald/protocol';
import { DEFAULT_POLICIES, HeraldProvider, type RoutePolicies, usePageConnection } from '@herald/react';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/useAuth';
import { ConversationListStore } from '../chat/conversation-list-store';
import { ChatContext, type ChatServices } from '../chat/useChat';
import { createHeraldClient } from '../herald-client';
import '../i18n/all-dictionaries'; // every language at hand, so switching works offline (see the file)
import { NotificationCenter } from '../notifications/NotificationCenter';
import { useServices } from '../services';
import { Header } from './Header';

const POLICIES: RoutePolicies = {
  ...DEFAULT_POLICIES,
  '/settings': { enabled: true, requireAuth: true, autoConnect: true, connectionType: 'chat', features: ['notifications'] },
};

export function SignedInShell() {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === 'restoring') return <Splash />;
  if (auth.status === 'signed-out' || !auth.user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <UserShell key={auth.user.id} user={auth.user} />;
}

function UserShell({ user }: { user: User }) {
  const { session, api } = useServices();
  const [connection, setConnection] = useState<Omit<ChatServices, 'user'> | null>(null);
  const userId = user.id;
  useEffect(() => {
    const client = createHeraldClient(session, userId);
    const conversations = new ConversationListStore(client, api, userId);
    const stop = conversations.start();
    // profiles: my name or avatar changed in another tab or device; this one shows it too.
    const stopProfile = client.on('user_changed', ({ data }) => {
      const current = session.user;
      if (data.user.id === userId && current) session.updateUser({ ...current, name: data.user.name, avatar: data.user.avatar });
    });
    setConnection({ client, conversations });
    return () => {
      stopProfile();
      stop();
      client.dispose();
    };
  }, [session, api, userId]);
  // A changed profile is a new `user` object: it must not remake the client (a reconnect), only the context.
  const services = useMemo(() => connection && { ...connection, user }, [connection, user]);
  if (!services) return <Splash />;
  return (
    <ChatContext.Provider value={services}>
      <HeraldProvider client={services.client} policies={POLICIES}>
        <PageConnection />
        <NotificationCenter />
        <div className="flex h-dvh flex-col">
          <Header />
          <main id="main" className="min-h-0 flex-1">
            <Suspense fallback={null}>
              <Outlet />
            </Suspense>
          </main>
        </div>
      </HeraldProvider>
    </ChatContext.Provider>
  );
}

/** Holds the connection while the current page's policy wants it. */
function PageConnection() {
  const location = useLocation();
  usePageConnection(location.pathname, true);
  return null;
}

function Splash() {
  return (
    <div className="flex h-dvh items-center justify-center" role="status" aria-live="polite">
      <div className="h-8 w-8 animate-spin rounded-full border-4 border-slate-300 border-t-blue-600" />
    </div>
  );
}
