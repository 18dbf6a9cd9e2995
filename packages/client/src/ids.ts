/**
 * Frame ids. A `send_message` id doubles as its idempotency key, so ids must be unique across
 * reloads and devices: a UUID where the host has `crypto.randomUUID`, else random base-36 parts.
 */
import { hostRandomUUID } from './environment.js';

const uuid = hostRandomUUID();

/** A new unique frame id (at most 64 characters, as the protocol requires). */
export function newId(): string {
  if (uuid) return uuid();
  let id = '';
  while (id.length < 32) id += Math.random().toString(36).slice(2);
  return id.slice(0, 32);
}
