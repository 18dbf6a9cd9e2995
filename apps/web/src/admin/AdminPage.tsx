/** /admin (admins only; anyone else is sent to /chat): live stats, online users, broadcast, users, server API keys, error reports, audit log. */
import { Navigate } from 'react-router';
import { useChat } from '../chat/useChat';
import { useI18n } from '../i18n/useI18n';
import { ApiKeysPanel } from './ApiKeysPanel';
import { AuditLogPanel } from './AuditLogPanel';
import { BroadcastForm } from './BroadcastForm';
import { ErrorReports } from './ErrorReports';
import { OnlineUsers } from './OnlineUsers';
import { StatsPanel } from './StatsPanel';
import { UserAccounts } from './UserAccounts';

export function AdminPage() {
  const { user } = useChat();
  if (user.role !== 'admin') return <Navigate to="/chat" replace />;
  return <AdminDashboard />;
}

function AdminDashboard() {
  const { t } = useI18n();
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-6xl space-y-4 p-4">
        <h1 className="text-xl font-semibold">{t('admin.title')}</h1>
        <StatsPanel />
        <div className="grid gap-4 lg:grid-cols-2">
          <BroadcastForm />
          <OnlineUsers />
        </div>
        <UserAccounts />
        <ApiKeysPanel />
        <ErrorReports />
        <AuditLogPanel />
      </div>
    </div>
  );
}
