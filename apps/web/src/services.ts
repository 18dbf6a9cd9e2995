/**
 * The app's long-lived services, made once at start: the auth session, the REST client (typed from
 * the contract; a refused access token is refreshed once and the call retried), uploads, signed file
 * links and notification preferences. Per-user services (the Herald client, the conversation list)
 * are made by the signed-in shell.
 * The REST client's code loads on its first call (`lazyRestClient`): it carries zod and the whole
 * contract, which /login does without.
 */
import type { RestClient } from '@herald/protocol';
import { createContext, useContext } from 'react';
import { FileUploader } from './api/file-uploader';
import { lazyRestClient } from './api/lazy-rest-client';
import { AuthSession } from './auth/auth-session';
import { FileLinkCache } from './chat/file-link-cache';
import { NotificationPreferences } from './notifications/preferences';

export interface AppServices {
  session: AuthSession;
  api: RestClient;
  uploader: FileUploader;
  fileLinks: FileLinkCache;
  preferences: NotificationPreferences;
}

export function createServices(): AppServices {
  const session = new AuthSession();
  const api = lazyRestClient(() =>
    import('./api/rest-client-factory').then(({ createRestClient }) =>
      createRestClient({
        getToken: () => session.getAccessToken(),
        refreshToken: () => session.getAccessToken({ refresh: true }),
      }),
    ),
  );
  return {
    session,
    api,
    uploader: new FileUploader(session),
    fileLinks: new FileLinkCache(api),
    preferences: new NotificationPreferences(),
  };
}

export const ServicesContext = createContext<AppServices | null>(null);

/** The app's services, from the nearest ServicesContext provider. */
export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices must be used inside <ServicesContext.Provider>');
  return services;
}
