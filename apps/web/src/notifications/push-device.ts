/**
 * PushDevice: this browser's Web Push subscription, framework-free. Registers the service worker
 * (`/sw.js`, which shows the pushes), and — only when the user clicks "enable", never on load —
 * asks for notification permission, subscribes with the server's VAPID key and stores the
 * subscription on the server (one per device, upserted by endpoint). Disabling removes it on the
 * server and in the browser. The environment is passed in so tests can drive it.
 */
import type { PushSubscriptionView, RestClient } from '@herald/protocol';

export type PushDeviceState = 'unsupported' | 'denied' | 'off' | 'on';

export interface PushEnvironment {
  serviceWorker: ServiceWorkerContainer | undefined;
  requestPermission: () => Promise<NotificationPermission>;
  permission: () => NotificationPermission | 'unsupported';
}

export const browserPushEnvironment = (): PushEnvironment => ({
  serviceWorker: typeof navigator !== 'undefined' && 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
  requestPermission: () => Notification.requestPermission(),
  permission: () => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission),
});

/** Register the service worker (no permission is asked); resolves undefined where there is none. */
export async function registerServiceWorker(
  env: PushEnvironment = browserPushEnvironment(),
): Promise<ServiceWorkerRegistration | undefined> {
  if (!env.serviceWorker) return undefined;
  try {
    await env.serviceWorker.register('/sw.js', { scope: '/' });
    return await env.serviceWorker.ready;
  } catch {
    return undefined; // e.g. a plain-http origin other than localhost
  }
}

export class PushDevice {
  constructor(
    private readonly api: RestClient,
    private readonly env: PushEnvironment = browserPushEnvironment(),
  ) {}

  /** This browser's subscription, if any. */
  async current(): Promise<PushSubscription | null> {
    const registration = await registerServiceWorker(this.env);
    return (await registration?.pushManager?.getSubscription()) ?? null;
  }

  async state(): Promise<PushDeviceState> {
    if (!this.env.serviceWorker || this.env.permission() === 'unsupported') return 'unsupported';
    if (this.env.permission() === 'denied') return 'denied';
    if (this.env.permission() !== 'granted') return 'off';
    const subscription = await this.current();
    if (!subscription) return 'off';
    const { subscriptions } = await this.api.push.list();
    return subscriptions.some((s) => s.endpoint === subscription.endpoint) ? 'on' : 'off';
  }

  /** Ask for permission (call from a click), subscribe, and store the subscription; returns the new state. */
  async enable(preview: boolean): Promise<PushDeviceState> {
    if (!this.env.serviceWorker) return 'unsupported';
    const permission = await this.env.requestPermission();
    if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
    const registration = await registerServiceWorker(this.env);
    if (!registration?.pushManager) return 'unsupported';
    const { publicKey } = await this.api.push.vapidKey();
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64urlBytes(publicKey) }));
    await this.store(subscription, preview);
    return 'on';
  }

  /** Change this device's private-previews choice (when subscribed). */
  async setPreview(preview: boolean): Promise<void> {
    const subscription = await this.current();
    if (subscription) await this.store(subscription, preview);
  }

  /** Remove this device's subscription from the server and the browser. */
  async disable(): Promise<void> {
    const subscription = await this.current();
    if (!subscription) return;
    const { subscriptions } = await this.api.push.list();
    const mine = subscriptions.find((s) => s.endpoint === subscription.endpoint);
    if (mine) await this.api.push.remove({ params: { id: mine.id } });
    await subscription.unsubscribe().catch(() => false);
  }

  /** All of my devices' subscriptions, and which one is this browser's. */
  async list(): Promise<{ subscriptions: PushSubscriptionView[]; thisEndpoint: string | null }> {
    const [{ subscriptions }, subscription] = await Promise.all([this.api.push.list(), this.current()]);
    return { subscriptions, thisEndpoint: subscription?.endpoint ?? null };
  }

  private async store(subscription: PushSubscription, preview: boolean): Promise<void> {
    const json = subscription.toJSON();
    const keys = json.keys ?? {};
    if (!json.endpoint || !keys.p256dh || !keys.auth) throw new Error('the browser gave a subscription without keys');
    await this.api.push.subscribe({ body: { endpoint: json.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, preview } });
  }
}

function base64urlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
