/**
 * The signed-in user's Herald client: same-origin socket (`/ws`), credentials from the auth session
 * (a refused token is refreshed once), an IndexedDB outbox per user so unsent messages survive a
 * reload, a stable device id per browser profile, and one socket shared by every tab of the user.
 */
import { createClient, type HeraldClient, IndexedDbOutboxStore } from '@herald/client';
import { shareConnection } from '@herald/client/shared';
import type { Device } from '@herald/protocol';
import type { AuthSession } from './auth/auth-session';

const DEVICE_KEY = 'herald.deviceId';
/** Set to `off` (localStorage) for one socket per tab instead of one shared by every tab. */
const SHARE_KEY = 'herald.shareConnection';

export function socketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export function currentDevice(): Device {
  let deviceId = localStorage.getItem(DEVICE_KEY);
  if (!deviceId) {
    deviceId = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, deviceId);
  }
  const mobile = /Mobi|Android|iPhone/i.test(navigator.userAgent);
  const tablet = /iPad|Tablet/i.test(navigator.userAgent);
  return { deviceType: tablet ? 'tablet' : mobile ? 'mobile' : 'desktop', deviceId, name: browserName(navigator.userAgent) };
}

function browserName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Mac OS X/.test(userAgent)
      ? 'macOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'unknown OS';
  return `${browser} on ${os}`;
}

export function createHeraldClient(session: AuthSession, userId: string): HeraldClient {
  return createClient({
    url: socketUrl(),
    credentials: ({ refresh }) => session.getAccessToken({ refresh }),
    device: currentDevice(),
    outbox: { store: new IndexedDbOutboxStore({ name: `herald-outbox-${userId}` }) },
    // One socket for all of this user's tabs (a tab on a no-socket page never leads: it holds no connection).
    shareConnection: localStorage.getItem(SHARE_KEY) === 'off' ? false : shareConnection({ key: `${userId}@${socketUrl()}` }),
    onError: (error, context) => console.warn(`[herald:${context.source}]`, error.code, error.message),
  });
}
