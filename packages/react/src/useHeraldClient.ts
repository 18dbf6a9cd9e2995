/**
 * useHeraldClient: the HeraldClient of the nearest HeraldProvider (and, internally, its policies).
 */
import type { HeraldClient } from '@herald/client';
import { useContext } from 'react';
import { HeraldContext, type HeraldContextValue } from './HeraldProvider.js';

/** The provider's context; throws outside a HeraldProvider. */
export function useHeraldContext(): HeraldContextValue {
  const value = useContext(HeraldContext);
  if (!value) throw new Error('Herald hooks must be used inside <HeraldProvider>');
  return value;
}

/** The app's HeraldClient. */
export function useHeraldClient(): HeraldClient {
  return useHeraldContext().client;
}
