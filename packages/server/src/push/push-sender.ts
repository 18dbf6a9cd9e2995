/**
 * PushSender: one Web Push request (RFC 8030/8291/8292): the payload encrypted (aes128gcm) for the
 * subscription's keys by `web-push`, VAPID-signed, POSTed with our own fetch so it has a deadline,
 * follows no redirect (a push service cannot bounce us to an internal address) and reads
 * Retry-After. Never throws for a push service's answer or a network failure: it reports them.
 */
import webpush from 'web-push';
import type { VapidKeys } from './vapid-keys.js';

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** Replaces an undelivered push with the same topic at the push service (≤ 32 base64url characters). */
  topic: string;
  /** Seconds the push service keeps it for an unreachable device. */
  ttlSeconds: number;
}

/** A push service's answer: its status (0: no answer, timeout or network failure) and Retry-After in ms. */
export interface PushOutcome {
  status: number;
  retryAfterMs: number | undefined;
}

export class PushSender {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly options: { timeoutMs: number },
  ) {}

  /** Send `payload` to one subscription; `signal` aborts it (server shutdown). */
  async send(target: PushTarget, payload: string, options: PushOptions, signal?: AbortSignal): Promise<PushOutcome> {
    const request = webpush.generateRequestDetails(target, payload, {
      vapidDetails: this.vapid,
      TTL: options.ttlSeconds,
      topic: options.topic,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers,
        body: request.body ? new Uint8Array(request.body) : null,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // The body is never needed; release the connection.
      await response.body?.cancel().catch(() => undefined);
      const status = response.status >= 300 && response.status < 400 ? 502 : response.status;
      return { status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    } catch {
      return { status: 0, retryAfterMs: undefined };
    }
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
