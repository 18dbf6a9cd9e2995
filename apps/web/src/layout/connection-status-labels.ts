/**
 * The header's connection-status labels in the user's language: every label of the React
 * ConnectionStatus (typed as the full set, so a label added there without a translation here is a
 * type error rather than an English word in a Chinese header).
 */
import type { ConnectionStatusLabels } from '@herald/react';
import type { Translate } from '../i18n/translate';

export function connectionStatusLabels(t: Translate): ConnectionStatusLabels {
  return {
    connecting: t('status.connecting'),
    connected: t('status.connected'),
    reconnecting: (attempt, max) => t('status.reconnecting', { attempt, max }),
    retryingEvery: (seconds) => t('status.retryingEvery', { seconds }),
    disconnected: t('status.disconnected'),
    error: t('status.error'),
    reconnect: t('status.reconnect'),
    retryNow: t('status.retryNow'),
    reload: t('status.reload'),
  };
}
