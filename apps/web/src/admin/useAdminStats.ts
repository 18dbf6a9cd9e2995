/**
 * useAdminStats: the live `stats` frames of the last minute. Subscribes (`stats_subscribe`) each time
 * the connection becomes ready — a subscription does not survive a reconnect — and unsubscribes on
 * unmount.
 */

import type { Stats } from '@herald/protocol';
import { useConnectionStatus, useHandler, useHeraldClient } from '@herald/react';
import { useEffect, useState } from 'react';

export function useAdminStats(keep = 60): { samples: Stats[]; error: string | null } {
  const client = useHeraldClient();
  const { status } = useConnectionStatus();
  const [samples, setSamples] = useState<Stats[]>([]);
  const [error, setError] = useState<string | null>(null);
  useHandler('stats', (frame) => setSamples((list) => [...list.slice(-(keep - 1)), frame.data]));
  useEffect(() => {
    if (status !== 'connected') return;
    client.request('stats_subscribe', {}).then(
      () => setError(null),
      (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      if (client.getState().status === 'connected') client.request('stats_unsubscribe', {}).catch(() => undefined);
    };
  }, [client, status]);
  return { samples, error };
}
