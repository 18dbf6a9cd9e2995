/**
 * ConnectionStatus: the connection's state for people: an icon and a label for every status, and
 * the buttons that can help from there.
 * - `reconnecting` within the client's attempt budget counts attempts ("Reconnecting (3/15)…");
 *   past it (`attemptLimitPassed`: the client keeps trying, it never strands the user) it says
 *   "Offline — retrying every N s" (N = `retryEveryMs` rounded up to whole seconds). Either way a
 *   "Retry now" button calls `client.reconnect()` (an attempt at once, with a fresh budget).
 * - `disconnected` offers Reconnect; `error` (the client stopped: `reconnect.giveUp`, or refused
 *   credentials) says so and offers Reconnect and Reload.
 * A polite live region, so screen readers hear changes without being interrupted; the text changes
 * only when the state does (no ticking countdown, which a live region would read out every second).
 * Labels are English by default; pass `labels` to translate.
 */
import { type ConnectionState, reconnectLimit, type ConnectionStatus as Status } from '@herald/client';
import { useConnectionStatus } from './useConnectionStatus.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface ConnectionStatusLabels {
  disconnected: string;
  connecting: string;
  connected: string;
  /** Within the attempt budget: gets the attempt number and the client's limit. */
  reconnecting: (attempt: number, maxAttempts: number) => string;
  /** Past the attempt budget, still trying: gets the longest wait between attempts in whole seconds. */
  retryingEvery: (seconds: number) => string;
  error: string;
  reconnect: string;
  /** The button while reconnecting: try at once instead of waiting for the next attempt. */
  retryNow: string;
  reload: string;
}

export const DEFAULT_CONNECTION_STATUS_LABELS: ConnectionStatusLabels = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: (attempt, maxAttempts) => `Reconnecting (${attempt}/${maxAttempts})…`,
  retryingEvery: (seconds) => `Offline — retrying every ${seconds} s`,
  error: 'Connection failed',
  reconnect: 'Reconnect',
  retryNow: 'Retry now',
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

/**
 * True when the display should say "retrying every N s" rather than count attempts: the client
 * passed its budget and is still trying on a known cadence.
 */
function isRetryingPastLimit(state: ConnectionState): state is ConnectionState & { retryEveryMs: number } {
  return state.status === 'reconnecting' && state.attemptLimitPassed && state.retryEveryMs !== null;
}

/** The status line's text for `state`. */
function connectionStatusText(state: ConnectionState, maxAttempts: number, labels: ConnectionStatusLabels): string {
  if (isRetryingPastLimit(state)) return labels.retryingEvery(Math.max(1, Math.ceil(state.retryEveryMs / 1000)));
  if (state.status === 'reconnecting') return labels.reconnecting(Math.max(1, state.reconnectAttempts), maxAttempts);
  return labels[state.status];
}

/** Status line with recovery buttons. */
export function ConnectionStatus({ labels: overrides, onReload, className }: ConnectionStatusProps) {
  const client = useHeraldClient();
  const state = useConnectionStatus();
  const labels = { ...DEFAULT_CONNECTION_STATUS_LABELS, ...overrides };
  const { status } = state;
  const text = connectionStatusText(state, reconnectLimit(client), labels);
  // A failed attempt rejects `reconnect()`; the status line already shows it, so nothing more to report.
  const reconnect = () => void client.reconnect().catch(() => undefined);
  const reload = onReload ?? (() => globalThis.location?.reload());
  return (
    <div
      role="status"
      aria-live="polite"
      className={className ?? 'herald-connection-status'}
      data-status={status}
      data-limit-passed={isRetryingPastLimit(state) ? 'true' : undefined}
    >
      <span aria-hidden="true" className="herald-connection-status__icon">
        {ICONS[status]}
      </span>{' '}
      <span className="herald-connection-status__text">{text}</span>
      {status === 'reconnecting' && (
        <button type="button" onClick={reconnect}>
          {labels.retryNow}
        </button>
      )}
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
