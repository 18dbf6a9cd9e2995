/**
 * The app: routes (/login, /chat, /chat/:id, /admin, /settings), the language, the services, toasts, and an
 * error boundary that reports crashes to the server.
 */
import { HeraldErrorBoundary } from '@herald/react';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Toaster } from 'sonner';
import { LoginPage } from './auth/LoginPage';
import { I18nProvider } from './i18n/I18nProvider';
import { useI18n } from './i18n/useI18n';
import { type AppServices, ServicesContext } from './services';

// Loaded when first visited: /login needs none of them (nor the socket client they bring).
const SignedInShell = lazy(() => import('./layout/SignedInShell').then((m) => ({ default: m.SignedInShell })));
const ChatPage = lazy(() => import('./chat/ChatPage').then((m) => ({ default: m.ChatPage })));
const AdminPage = lazy(() => import('./admin/AdminPage').then((m) => ({ default: m.AdminPage })));
const SettingsPage = lazy(() => import('./settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));

export function App({ services }: { services: AppServices }) {
  useEffect(() => {
    void services.session.restore();
  }, [services]);
  return (
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <Boundary services={services}>
          <BrowserRouter>
            <Suspense fallback={null}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route element={<SignedInShell />}>
                  <Route path="/chat" element={<ChatPage />} />
                  <Route path="/chat/:conversationId" element={<ChatPage />} />
                  <Route path="/admin" element={<AdminPage />} />
                  <Route path="/settings" element={<SettingsPage />} />
                </Route>
                <Route path="*" element={<Navigate to="/chat" replace />} />
              </Routes>
            </Suspense>
          </BrowserRouter>
        </Boundary>
        <Toaster
          position="top-right"
          offset={{ top: 64, right: 16 }}
          mobileOffset={{ top: 56, left: 8, right: 8 }}
          closeButton
          duration={5000}
          richColors
          toastOptions={{ className: 'text-sm' }}
        />
      </ServicesContext.Provider>
    </I18nProvider>
  );
}

function Boundary({ services, children }: { services: AppServices; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <HeraldErrorBoundary
      reportUrl="/api/v1/errors"
      getToken={() => services.session.peekAccessToken()}
      fallback={({ reset }) => (
        <div role="alert" className="flex h-dvh flex-col items-center justify-center gap-4 p-8 text-center">
          <p className="text-lg font-semibold">{t('error.title')}</p>
          <div className="flex gap-2">
            <button type="button" className="btn-secondary" onClick={reset}>
              {t('chat.retry')}
            </button>
            <button type="button" className="btn-primary" onClick={() => window.location.reload()}>
              {t('error.reload')}
            </button>
          </div>
        </div>
      )}
    >
      {children}
    </HeraldErrorBoundary>
  );
}
