/**
 * OfflineDelivery on its own: who the notifier is called for, that it is called after the
 * publishing code has returned, and that a failing notifier (thrown or rejected) is logged per
 * recipient without stopping the others or reaching the sender.
 */
import type { Message, Notification } from '@herald/protocol';
import pino from 'pino';
import { expect, it } from 'vitest';
import { OfflineDelivery } from './offline-delivery.js';
import type { OfflineItem, OfflineNotifier } from './offline-notifier.js';

const online = new Set(['alice', 'carol']);
const presence = { isOnline: (userId: string) => online.has(userId) };

const message = { id: 'm1', conversationId: 'c1', seq: 1, senderId: 'bob' } as Message;
const notification = { id: 'n1' } as Notification;

function recordingLog() {
  const lines: { msg: string; userId: string; kind: string; err: { message: string } }[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

it('calls the notifier for each offline member but the sender, once the publishing code has returned', async () => {
  const calls: [string, OfflineItem['kind']][] = [];
  const notifier: OfflineNotifier = { notify: (userId, item) => void calls.push([userId, item.kind]) };
  const delivery = new OfflineDelivery(presence, notifier, recordingLog().log);

  delivery.message(message, ['alice', 'bob', 'carol', 'dave', 'erin']);
  delivery.notification(notification, ['alice', 'bob', 'frank']);
  delivery.message(message, ['alice', 'bob', 'carol']); // everyone else online: nobody to tell
  expect(calls).toEqual([]);
  await settled();
  expect(calls).toEqual([
    ['dave', 'message'],
    ['erin', 'message'],
    ['bob', 'notification'],
    ['frank', 'notification'],
  ]);
});

it('logs a notifier that throws or rejects, per recipient, and still calls it for the others', async () => {
  const called: string[] = [];
  const notifier: OfflineNotifier = {
    notify(userId) {
      called.push(userId);
      if (userId === 'dave') throw new Error('push service down');
      if (userId === 'erin') return Promise.reject(new Error('mailbox full'));
      return Promise.resolve();
    },
  };
  const { log, lines } = recordingLog();
  const delivery = new OfflineDelivery(presence, notifier, log);

  expect(() => delivery.message(message, ['dave', 'erin', 'frank'])).not.toThrow();
  await settled();
  expect(called).toEqual(['dave', 'erin', 'frank']);
  expect(lines.map((line) => [line.msg, line.userId, line.kind, line.err.message])).toEqual([
    ['offline notifier failed', 'dave', 'message', 'push service down'],
    ['offline notifier failed', 'erin', 'message', 'mailbox full'],
  ]);
});
