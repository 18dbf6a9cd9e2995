/*
 * Herald's service worker: shows Web Push notifications and opens the conversation on click.
 * A push carries (decrypted by the browser) {conversationId, title, body, seq, count, url, tag,
 * preview}. One notification per conversation: the same `tag` replaces the earlier one, so a burst
 * never stacks. With private previews (`preview: false`) it shows only "New message".
 * Plain script (no build step, no imports), served from the origin root so its scope is the app.
 */
const STRINGS = {
  en: { newMessage: 'New message', more: (n) => `${n} new messages` },
  zh: { newMessage: '新消息', more: (n) => `${n} 条新消息` },
};

function strings() {
  const lang = (self.navigator.language || 'en').toLowerCase();
  return lang.startsWith('zh') ? STRINGS.zh : STRINGS.en;
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  const s = strings();
  if (!data || typeof data.conversationId !== 'string') {
    event.waitUntil(self.registration.showNotification('Herald', { body: s.newMessage }));
    return;
  }
  const generic = data.count > 1 ? s.more(data.count) : s.newMessage;
  const body = data.preview && data.body ? (data.count > 1 ? `${data.body} (+${data.count - 1})` : data.body) : generic;
  event.waitUntil(
    self.registration.showNotification(data.preview ? data.title : 'Herald', {
      body,
      tag: data.tag,
      renotify: true,
      icon: '/favicon.svg',
      data: { url: data.url, conversationId: data.conversationId, seq: data.seq },
    }),
  );
});

/**
 * Focus a tab already on the conversation; else take a tab of the app there; else open one.
 * Focusing may be refused outside a click (no user activation): that never stops the navigation.
 */
async function openConversation(path) {
  const url = new URL(path || '/chat', self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const exact = windows.find((client) => new URL(client.url).pathname === url.pathname);
  if (exact) return exact.focus().catch(() => exact);
  const any = windows.find((client) => new URL(client.url).origin === url.origin);
  if (any) {
    const moved = await any.navigate(url.href).catch(() => null);
    if (moved) return moved.focus().catch(() => moved);
  }
  return self.clients.openWindow(url.href);
}
// For tests (no browser API clicks a notification): the click's behaviour, callable in the worker.
self.heraldOpenConversation = openConversation;

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openConversation(event.notification.data?.url));
});
