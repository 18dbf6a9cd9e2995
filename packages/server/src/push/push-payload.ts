/**
 * The JSON a service worker receives for one collapsed burst of messages (PushPayloadSchema).
 * Invariants: at most PUSH_PAYLOAD_MAX bytes of UTF-8 (the preview, then the title, are cut to
 * fit, never the ids); without previews nothing of the message's content or sender is in it (the
 * push service relays only ciphertext, but the lock screen shows what we send).
 */
import { type Message, PUSH_PAYLOAD_MAX, type PushPayload } from '@herald/protocol';
import type { PushNames } from './push-context.js';

/** The longest preview before the size check (a notification shows a few lines at most). */
const PREVIEW_CHARS = 240;
const TITLE_CHARS = 120;

export interface PayloadInput {
  message: Pick<Message, 'conversationId' | 'seq' | 'text' | 'type' | 'attachment'>;
  names: PushNames | undefined;
  count: number;
  preview: boolean;
}

/** The tag (and, hashed, the Topic) that makes a later push for a conversation replace the earlier one. */
export const pushTag = (conversationId: string): string => `herald:${conversationId}`;

export function pushPayload({ message, names, count, preview }: PayloadInput): string {
  const { conversationId } = message;
  const base: PushPayload = {
    conversationId,
    title: preview ? titleOf(names) : 'Herald',
    body: preview ? previewOf(message) : '',
    seq: message.seq,
    count,
    url: `/chat/${encodeURIComponent(conversationId)}`,
    tag: pushTag(conversationId),
    preview,
  };
  let payload = base;
  let json = JSON.stringify(payload);
  // Cut by characters until the bytes fit: a CJK character is 3 bytes, an emoji 4.
  while (Buffer.byteLength(json) > PUSH_PAYLOAD_MAX && (payload.body.length > 0 || payload.title.length > 0)) {
    if (payload.body.length > 0) payload = { ...payload, body: cut(payload.body, Math.floor(payload.body.length / 2)) };
    else payload = { ...payload, title: cut(payload.title, Math.floor(payload.title.length / 2)) };
    json = JSON.stringify(payload);
  }
  return json;
}

function titleOf(names: PushNames | undefined): string {
  const sender = names?.senderName ?? 'Herald';
  const title = names?.kind === 'group' && names.groupTitle ? `${sender} · ${names.groupTitle}` : sender;
  return cut(title, TITLE_CHARS);
}

function previewOf(message: PayloadInput['message']): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  if (text) return cut(text, PREVIEW_CHARS);
  if (message.attachment) return cut(`📎 ${message.attachment.name ?? message.type}`, PREVIEW_CHARS);
  return '';
}

/** At most `max` characters (whole code points), with an ellipsis when cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
