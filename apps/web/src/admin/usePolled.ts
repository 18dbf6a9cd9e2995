/**
 * usePolled: load a resource with the REST client now, every `intervalMs` (0: never again), and on
 * `reload()`. `load` should keep its identity between renders (declare it outside the component):
 * a new one loads again.
 */
import type { RestClient } from '@herald/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../services';

export function usePolled<T>(
  load: (api: RestClient) => Promise<T>,
  intervalMs = 0,
): { data: T | null; error: string | null; reload: () => void } {
  const { api } = useServices();
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void tick;
    load(api).then(
      (data) => !cancelled && setState({ data, error: null }),
      (error: unknown) => !cancelled && setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) })),
    );
    const timer = intervalMs > 0 ? setTimeout(() => setTick((n) => n + 1), intervalMs) : undefined;
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, load, intervalMs, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
