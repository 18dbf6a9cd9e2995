/**
 * ConnectionStatus: the connection's state for people: an icon and a label for every status
 * ("Reconnecting (3/15)…" counts attempts against the client's limit), a Reconnect button when
 * disconnected or failed, and a Reload button on error. A polite live region, so screen readers
 * hear changes without being interrupted. Labels are English by default; pass `labels` to translate.
 */
import { reconnectLimit, type ConnectionStatus as Status } from '@herald/client';
import { useConnectionStatus } from './useConnectionStatus.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface ConnectionStatusLabels {
  disconnected: string;
  connecting: string;
  connected: string;
  /** Gets the attempt number and the client's limit. */
  reconnecting: (attempt: number, maxAttempts: number) => string;
  error: string;
  reconnect: string;
  reload: string;
}

export const DEFAULT_CONNECTION_STATUS_LABELS: ConnectionStatusLabels = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: (attempt, maxAttempts) => `Reconnecting (${attempt}/${maxAttempts})…`,
  error: 'Connection failed',
  reconnect: 'Reconnect',
  reload: 'Reload',
};

const ICONS: Record<Status, string> = {
  disconnected: '○',
  connecting: '◌',
  connected: '●',
  reconnecting: '↻',
  error: '⚠',
};

export interface ConnectionStatusProps {
  /** Overrides some or all labels (e.g. translations). */
  labels?: Partial<ConnectionStatusLabels>;
  /** Called by the Reload button (default `location.reload()`). */
  onReload?: () => void;
  className?: string;
}

/** Status line with recovery buttons. */
export function ConnectionStatus({ labels: overrides, onReload, className }: ConnectionStatusProps) {
  const client = useHeraldClient();
  const state = useConnectionStatus();
  const labels = { ...DEFAULT_CONNECTION_STATUS_LABELS, ...overrides };
  const { status } = state;
  const text =
    status === 'reconnecting' ? labels.reconnecting(Math.max(1, state.reconnectAttempts), reconnectLimit(client)) : labels[status];
  const reconnect = () => void client.reconnect().catch(() => undefined);
  const reload = onReload ?? (() => globalThis.location?.reload());
  return (
    <div role="status" aria-live="polite" className={className ?? 'herald-connection-status'} data-status={status}>
      <span aria-hidden="true" className="herald-connection-status__icon">
        {ICONS[status]}
      </span>{' '}
      <span className="herald-connection-status__text">{text}</span>
      {(status === 'disconnected' || status === 'error') && (
        <button type="button" onClick={reconnect}>
          {labels.reconnect}
        </button>
      )}
      {status === 'error' && (
        <button type="button" onClick={reload}>
          {labels.reload}
        </button>
      )}
    </div>
  );
}
