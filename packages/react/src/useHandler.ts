/**
 * useHandler: handle one kind of server frame for as long as the component is mounted. The
 * registration is made once (per client and action); the latest `fn` is always the one called,
 * so an inline callback neither re-registers on each render nor runs stale.
 */
import type { FrameHandler } from '@herald/client';
import type { ServerAction } from '@herald/protocol';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useHeraldClient } from './useHeraldClient.js';

/** Call `fn` for every `action` frame while mounted. */
export function useHandler<A extends ServerAction>(action: A, fn: FrameHandler<A>): void {
  const client = useHeraldClient();
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  useEffect(() => client.on(action, (frame) => latest.current(frame)), [client, action]);
}
