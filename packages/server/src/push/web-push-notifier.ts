/**
 * WebPushNotifier: the OfflineNotifier that sends Web Push to an offline member's devices.
 * - Bursts collapse: the first message of a conversation for a user opens a window
 *   (HERALD_PUSH_COLLAPSE_MS); everything until it closes becomes ONE push of the newest message
 *   (with a count), sent with a Topic and a notification tag per conversation so a later push
 *   replaces the earlier one instead of stacking.
 * - Mutes hold: a member who muted the conversation gets nothing, unless a message of the burst
 *   mentions them by name or with @all (@here is for members online now; an offline one is not here).
 * - The user is asked again when the window closes: back online by then, nothing is sent.
 * - Push service answers: 2xx delivered; 404/410 the subscription is gone and is deleted; 429, 5xx,
 *   timeouts and network failures are retried with doubling, capped, jittered delays, never sooner
 *   than Retry-After, up to MAX_ATTEMPTS; any other answer is logged and dropped.
 * - Bounded: at most CONCURRENCY pushes in flight per node and QUEUE_MAX waiting (the oldest
 *   waiting are dropped past it); `notify` returns at once and nothing here is awaited by delivery.
 */
import { createHash } from 'node:crypto';
import type { Message } from '@herald/protocol';
import type { Logger } from 'pino';
import type { MuteRepository } from '../conversations/mute-repository.js';
import type { OfflineItem, OfflineNotifier } from '../notifications/offline-notifier.js';
import type { PushContext } from './push-context.js';
import { pushPayload, pushTag } from './push-payload.js';
import type { PushSender } from './push-sender.js';
import type { PushSubscriptionRepository, StoredPushSubscription } from './push-subscription-repository.js';

const CONCURRENCY = 8;
const QUEUE_MAX = 10_000;
const MAX_ATTEMPTS = 5;
/** A push service asking us to wait longer than this is given up on (the message is stale by then). */
const RETRY_AFTER_MAX_MS = 10 * 60_000;
/** How long a push service keeps an undelivered push: a day (a chat notification older than that is noise). */
const TTL_SECONDS = 24 * 3600;

export interface WebPushNotifierDeps {
  subscriptions: Pick<PushSubscriptionRepository, 'listForUser' | 'removeByEndpoint'>;
  mutes: Pick<MuteRepository, 'mutedAmong'>;
  names: PushContext;
  sender: Pick<PushSender, 'send'>;
  isOnline: (userId: string) => boolean;
  log: Logger;
}

export interface WebPushNotifierOptions {
  collapseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** One (user, conversation) burst waiting for its window to close. */
interface Burst {
  userId: string;
  latest: Message;
  /** The newest message that mentions the user (what a muted conversation still pushes). */
  mentioned: Message | undefined;
  count: number;
}

interface Job {
  subscription: StoredPushSubscription;
  payload: string;
  topic: string;
  attempt: number;
}

export class WebPushNotifier implements OfflineNotifier {
  private readonly bursts = new Map<string, Burst>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue: Job[] = [];
  private running = 0;
  /** Bursts whose window closed and whose subscriptions are being read. */
  private flushing = 0;
  private readonly stopping = new AbortController();
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly deps: WebPushNotifierDeps,
    private readonly options: WebPushNotifierOptions,
  ) {}

  notify(userId: string, item: OfflineItem): void {
    if (item.kind !== 'message' || this.stopping.signal.aborted) return;
    const { message } = item;
    if (message.deletedAt !== null) return;
    const key = `${userId}\u0000${message.conversationId}`;
    const mentions = message.mentions.includes(userId) || message.groupMention === 'all';
    const burst = this.bursts.get(key);
    if (burst) {
      if (message.seq > burst.latest.seq) burst.latest = message;
      if (mentions) burst.mentioned = message;
      burst.count += 1;
      return;
    }
    this.bursts.set(key, { userId, latest: message, mentioned: mentions ? message : undefined, count: 1 });
    this.after(this.options.collapseMs, () => {
      const done = this.bursts.get(key);
      this.bursts.delete(key);
      if (!done) return;
      this.flushing += 1;
      void this.flush(done)
        .catch((error: unknown) => this.deps.log.warn({ err: error, userId }, 'push failed'))
        .finally(() => {
          this.flushing -= 1;
          this.checkIdle();
        });
    });
  }

  /** Resolves once nothing is waiting, queued or in flight (tests, and a graceful stop). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  /** Drop waiting bursts and retries, abort pushes in flight. */
  close(): void {
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.bursts.clear();
    this.queue.length = 0;
    this.checkIdle();
  }

  private async flush(burst: Burst): Promise<void> {
    const { userId, latest } = burst;
    const { conversationId } = latest;
    if (this.deps.isOnline(userId)) return;
    // Subscriptions first: most members of a big group have none, and then nothing else is read.
    const subscriptions = await this.deps.subscriptions.listForUser(userId);
    if (subscriptions.length === 0) return;
    const muted = (await this.deps.mutes.mutedAmong(conversationId, [userId])).length > 0;
    const message = muted ? burst.mentioned : latest;
    if (!message) return;
    const names = subscriptions.some((s) => s.preview) ? await this.deps.names(conversationId, message.senderId) : undefined;
    const topic = topicOf(conversationId);
    for (const subscription of subscriptions) {
      const payload = pushPayload({ message, names, count: burst.count, preview: subscription.preview });
      this.enqueue({ subscription, payload, topic, attempt: 1 });
    }
  }

  private enqueue(job: Job): void {
    if (this.stopping.signal.aborted) return;
    if (this.queue.length >= QUEUE_MAX) {
      const dropped = this.queue.shift();
      this.deps.log.warn({ userId: dropped?.subscription.userId }, 'push queue full: dropped the oldest push');
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.running += 1;
      void this.attempt(job).finally(() => {
        this.running -= 1;
        this.pump();
        this.checkIdle();
      });
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { subscription } = job;
    const outcome = await this.deps.sender.send(
      subscription,
      job.payload,
      { topic: job.topic, ttlSeconds: TTL_SECONDS },
      this.stopping.signal,
    );
    const { status } = outcome;
    if (status >= 200 && status < 300) return;
    if (status === 404 || status === 410) {
      // The browser unsubscribed or the subscription expired: it will never work again.
      await this.deps.subscriptions.removeByEndpoint(subscription.endpoint).catch((error: unknown) => {
        this.deps.log.warn({ err: error }, 'could not delete an expired push subscription');
      });
      this.deps.log.info({ userId: subscription.userId, status }, 'push subscription gone: deleted');
      return;
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || job.attempt >= MAX_ATTEMPTS || this.stopping.signal.aborted) {
      this.deps.log.warn({ userId: subscription.userId, status, attempt: job.attempt }, 'push not delivered');
      return;
    }
    const { retryBaseMs, retryMaxMs } = this.options;
    const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** (job.attempt - 1));
    // Full jitter over the upper half, so many subscriptions failing together do not retry together.
    const delay = Math.max(outcome.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
    if (delay > RETRY_AFTER_MAX_MS) {
      this.deps.log.warn({ userId: subscription.userId, status, delay }, 'push service asked to wait too long: push dropped');
      return;
    }
    this.after(delay, () => this.enqueue({ ...job, attempt: job.attempt + 1 }));
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
      this.checkIdle();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private isIdle(): boolean {
    return this.bursts.size === 0 && this.queue.length === 0 && this.running === 0 && this.timers.size === 0 && this.flushing === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }
}

/** The Topic header for a conversation: ≤ 32 URL-safe characters, the same for every push of it. */
function topicOf(conversationId: string): string {
  return createHash('sha256').update(pushTag(conversationId)).digest('base64url').slice(0, 32);
}
