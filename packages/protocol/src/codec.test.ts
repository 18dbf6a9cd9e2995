import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeServerFrame, encodeFrame } from './codec.js';
import { ErrorCode } from './codes.js';

const base = { id: 'c-1', timestamp: 1_700_000_000_000 };

describe('codec', () => {
  it('decodes a valid send_message and applies defaults', () => {
    const result = decodeClientFrame(
      JSON.stringify({ ...base, type: 'text', action: 'send_message', data: { conversationId: 'k', text: 'hi' } }),
    );
    expect(result.ok).toBe(true);
    if (result.ok && result.frame.action === 'send_message') expect(result.frame.data.text).toBe('hi');
  });

  it('reports bad JSON without throwing', () => {
    const result = decodeClientFrame('{nope');
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.error.code).toBe(ErrorCode.BadJson);
  });

  it('reports an unknown action and keeps the frame id as ref', () => {
    const result = decodeClientFrame(JSON.stringify({ ...base, type: 'text', action: 'explode', data: {} }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.UnknownAction);
      expect(result.ref).toBe('c-1');
    }
  });

  it('rejects a schema-invalid frame with issue details', () => {
    const result = decodeClientFrame(
      JSON.stringify({ ...base, type: 'text', action: 'send_message', data: { conversationId: 'k', text: '   ' } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.InvalidFrame);
      expect(result.error.details).toEqual([{ path: 'data.text', message: expect.any(String) }]);
    }
  });

  it('requires an attachment on image messages', () => {
    const result = decodeClientFrame(JSON.stringify({ ...base, type: 'image', action: 'send_message', data: { conversationId: 'k' } }));
    expect(result.ok).toBe(false);
  });

  it('accepts Buffer and ArrayBuffer payloads', () => {
    const text = JSON.stringify({ ...base, type: 'heartbeat', action: 'heartbeat', data: {} });
    expect(decodeClientFrame(new TextEncoder().encode(text)).ok).toBe(true);
    expect(decodeClientFrame(new TextEncoder().encode(text).buffer).ok).toBe(true);
    expect(decodeClientFrame([new TextEncoder().encode(text.slice(0, 5)), new TextEncoder().encode(text.slice(5))]).ok).toBe(true);
  });

  it('round-trips a server frame', () => {
    const frame = { ...base, type: 'error' as const, action: 'error' as const, data: { code: ErrorCode.Forbidden, message: 'no' } };
    const result = decodeServerFrame(encodeFrame(frame));
    expect(result).toEqual({ ok: true, frame });
  });

  it('rejects an error frame with an undocumented code', () => {
    const result = decodeServerFrame(JSON.stringify({ ...base, type: 'error', action: 'error', data: { code: 'weird', message: '' } }));
    expect(result.ok).toBe(false);
  });
});
