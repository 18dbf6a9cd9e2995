/**
 * Desktop notifications: shown only while the tab is hidden and the user granted permission
 * (a visible tab already shows a toast).
 */
export type DesktopPermission = NotificationPermission | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function requestDesktopPermission(): Promise<DesktopPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** Show one, if the page is hidden and allowed; clicking it focuses the tab. */
export function notifyDesktop(title: string, body: string, tag: string, onClick?: () => void): void {
  if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return;
  if (desktopPermission() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick?.();
      notification.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker.
  }
}
