import { PUSH_PAYLOAD_MAX, PushPayloadSchema } from '@herald/protocol';
import { expect, it } from 'vitest';
import { pushPayload } from './push-payload.js';

const message = (text: string, extra: Record<string, unknown> = {}) => ({
  conversationId: 'c-1',
  seq: 7,
  text,
  type: 'text' as const,
  attachment: null,
  ...extra,
});
const names = { kind: 'group' as const, groupTitle: 'Launch', senderName: 'Ann' };

it('names sender and group, previews the text on one line, and fits the schema', () => {
  const payload = JSON.parse(pushPayload({ message: message('hello\n  world'), names, count: 3, preview: true }));
  expect(PushPayloadSchema.parse(payload)).toEqual({
    conversationId: 'c-1',
    title: 'Ann · Launch',
    body: 'hello world',
    seq: 7,
    count: 3,
    url: '/chat/c-1',
    tag: 'herald:c-1',
    preview: true,
  });
});

it('private previews carry neither sender nor content', () => {
  const json = pushPayload({ message: message('secret'), names, count: 1, preview: false });
  expect(JSON.parse(json)).toMatchObject({ title: 'Herald', body: '', preview: false });
  expect(json).not.toMatch(/secret|Ann|Launch/);
});

it('an attachment without text is named', () => {
  const json = pushPayload({
    message: message('', { type: 'document', attachment: { fileId: 'f', name: 'plan.pdf' } }),
    names,
    count: 1,
    preview: true,
  });
  expect(JSON.parse(json).body).toBe('📎 plan.pdf');
});

it('stays under the size limit with long CJK text and names, cutting on whole characters', () => {
  const long = '长'.repeat(16_000);
  const json = pushPayload({
    message: message(long),
    names: { kind: 'group', groupTitle: '群'.repeat(120), senderName: '名'.repeat(200) },
    count: 1,
    preview: true,
  });
  expect(Buffer.byteLength(json)).toBeLessThanOrEqual(PUSH_PAYLOAD_MAX);
  const payload = JSON.parse(json);
  expect(payload.body.endsWith('…')).toBe(true);
  expect(payload.body).not.toContain('\uFFFD');
  expect(payload.title.length).toBeLessThanOrEqual(120);
});
