/**
 * What revocation.test.ts and revocation-cluster.test.ts share: signing one account in several
 * times, timing a socket's close against the HTTP response that caused it, proving a socket still
 * works, and proving a frame did not arrive (by a round trip on the same socket after a frame that
 * was fanned out in the same turn reached another socket).
 */
import type { AuthResponse, ServerFrame } from '@herald/protocol';
import type { ApiClient, Closed, TestSocket } from '@herald/testkit';
import { expect } from 'vitest';

/** The password ApiClient.register gives every account. */
export const PASSWORD = 'correct horse battery';

/** A second (third, …) session of the same account: a fresh sign-in. */
export function signInAgain(api: ApiClient, auth: AuthResponse, password = PASSWORD): Promise<AuthResponse> {
  return api.rest.auth.login({ body: { email: auth.user.email, password } });
}

export interface ClosedAt extends Closed {
  /** performance.now() at the close event. */
  at: number;
  /** Every frame the socket had received by then. */
  frames: ServerFrame[];
}

/** Start watching for the socket's close (call before the request that should close it). */
export function closeOf(socket: TestSocket): Promise<ClosedAt> {
  return socket.closed.then((closed) => ({ ...closed, at: performance.now(), frames: [...socket.frames] }));
}

/**
 * Run `cause` (an HTTP call) and expect the watched close: 4001 with `reason`, an `error` frame with
 * the same code as the last frame before it, within 1 s of the HTTP response.
 */
export async function expectClosedAfter(cause: () => Promise<unknown>, closing: Promise<ClosedAt>[], reason: string): Promise<void> {
  await cause();
  const respondedAt = performance.now();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`a socket was still open 3 s after the response (expected a 4001 ${reason} close)`)), 3_000).unref(),
  );
  for (const watched of closing) {
    const closed = await Promise.race([watched, timeout]);
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4001, reason });
    const last = closed.frames.at(-1);
    expect(last?.action).toBe('error');
    expect(last?.action === 'error' ? last.data.code : undefined).toBe(reason);
    expect(closed.at - respondedAt).toBeLessThan(1_000);
  }
}

/** A group conversation with the user alone in it (somewhere to prove a socket still works). */
export function ownConversation(api: ApiClient, auth: AuthResponse): Promise<string> {
  return api.conversation(auth.accessToken, { kind: 'group', title: 'mine', memberIds: [] });
}

/** The socket is open, authenticated and served: a message sent on it is acknowledged. */
export async function expectWorking(socket: TestSocket, conversationId: string): Promise<void> {
  const result = (await socket.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'still here' } })) as {
    seq: number;
  };
  expect(result.seq).toBeGreaterThan(0);
}

/**
 * Every frame the server wrote to this socket before now has arrived: a heartbeat's reply comes
 * after them on the same TCP stream.
 */
export async function flushed(socket: TestSocket): Promise<void> {
  const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
  await socket.waitForNext((f) => f.action === 'heartbeat' && f.data.ref === id);
}

/** Frames about one conversation (messages, typing, read receipts) this socket received. */
export function framesOf(socket: TestSocket, conversationId: string): ServerFrame[] {
  return socket.frames.filter((f) => {
    const data = f.data as { conversationId?: unknown };
    return typeof data === 'object' && data !== null && data.conversationId === conversationId;
  });
}
