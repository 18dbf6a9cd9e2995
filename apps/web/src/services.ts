/**
 * The app's long-lived services, made once at start: the auth session, the REST API, signed file
 * links and notification preferences. Per-user services (the Herald client, the conversation list)
 * are made by the signed-in shell.
 */
import { createContext, useContext } from 'react';
import { RestApi } from './api/rest-api';
import { AuthSession } from './auth/auth-session';
import { FileLinkCache } from './chat/file-link-cache';
import { NotificationPreferences } from './notifications/preferences';

export interface AppServices {
  session: AuthSession;
  api: RestApi;
  fileLinks: FileLinkCache;
  preferences: NotificationPreferences;
}

export function createServices(): AppServices {
  const session = new AuthSession();
  const api = new RestApi(session);
  return { session, api, fileLinks: new FileLinkCache(api), preferences: new NotificationPreferences() };
}

export const ServicesContext = createContext<AppServices | null>(null);

/** The app's services, from the nearest ServicesContext provider. */
export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices must be used inside <ServicesContext.Provider>');
  return services;
}
