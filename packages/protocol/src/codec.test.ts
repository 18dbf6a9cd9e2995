import { describe, expect, it } from 'vitest';
import { decodeClientFrame } from './client-frame-codec.js';
import { decodeServerFrame, encodeFrame, FRAME_ID_SCAN_BYTES, readFrameId } from './codec.js';
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

  it('answers a frame that is not an object, or has no string action, with invalid_frame', () => {
    for (const text of ['[1,2]', '42', 'null', '"send_message"', 'true']) {
      expect(decodeClientFrame(text), text).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidFrame } });
    }
    const noAction = decodeClientFrame(JSON.stringify({ id: 'n-1', data: {} }));
    expect(noAction).toMatchObject({ ok: false, ref: 'n-1', error: { code: ErrorCode.InvalidFrame, details: [{ path: 'action' }] } });
    const numeric = decodeClientFrame(JSON.stringify({ id: 'n-2', action: 7, data: {} }));
    expect(numeric).toMatchObject({ ok: false, ref: 'n-2', error: { code: ErrorCode.InvalidFrame } });
  });

  it('names the action whose schema refused the frame (not an unknown one)', () => {
    const bad = decodeClientFrame(JSON.stringify({ ...base, type: 'control', action: 'authenticate', data: {} }));
    expect(bad).toMatchObject({ ok: false, action: 'authenticate', error: { code: ErrorCode.InvalidFrame } });
    const unknown = decodeClientFrame(JSON.stringify({ ...base, type: 'control', action: 'launch', data: {} }));
    expect(unknown).toMatchObject({ ok: false, error: { code: ErrorCode.UnknownAction } });
    expect(unknown).not.toHaveProperty('action');
  });

  it('echoes a valid id of 64 code points whole, and never an invalid id, nor a part of one', () => {
    const emoji = `${'😀'.repeat(63)}x`; // 64 code points, 127 UTF-16 units
    for (const action of ['launch', 'send_message']) {
      const result = decodeClientFrame(JSON.stringify({ id: emoji, type: 'text', action, data: {}, timestamp: 1 }));
      expect(result).toMatchObject({ ok: false, ref: emoji });
    }
    expect(decodeClientFrame(JSON.stringify({ id: emoji, type: 'heartbeat', action: 'heartbeat', data: {}, timestamp: 1 })).ok).toBe(true);
    for (const id of [`${emoji}y`, 'a\ud83d', '', 42, null]) {
      const result = decodeClientFrame(JSON.stringify({ id, type: 'text', action: 'send_message', data: {}, timestamp: 1 }));
      expect(result, String(id)).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidFrame } });
      expect(result).not.toHaveProperty('ref');
    }
    const unknownAction = decodeClientFrame(JSON.stringify({ id: `${emoji}y`, type: 'text', action: 'launch', data: {}, timestamp: 1 }));
    expect(unknownAction).not.toHaveProperty('ref');
  });

  it('rejects an error frame with an undocumented code', () => {
    const result = decodeServerFrame(JSON.stringify({ ...base, type: 'error', action: 'error', data: { code: 'weird', message: '' } }));
    expect(result.ok).toBe(false);
  });
});

describe('readFrameId', () => {
  it('reads a top-level id from text, bytes and fragments, wherever it sits in the object', () => {
    const text = JSON.stringify({ type: 'text', action: 'send_message', data: { id: 'inner', text: 'x' }, id: 'f-9', timestamp: 1 });
    expect(readFrameId(text)).toBe('f-9');
    expect(readFrameId(Buffer.from(text))).toBe('f-9');
    const bytes = Buffer.from(text);
    expect(readFrameId([bytes.subarray(0, 10), bytes.subarray(10)])).toBe('f-9');
    expect(readFrameId(' {\n "id" : "spaced" }')).toBe('spaced');
  });

  it('never takes an id nested in data, an id past the scan limit, a non-string id, or an escaped one', () => {
    expect(readFrameId('{"data":{"id":"inner"},"action":"x"}')).toBeUndefined();
    expect(readFrameId('{"data":["{\\"id\\":\\"q\\"}"]}')).toBeUndefined();
    expect(readFrameId(`{"data":"${'x'.repeat(FRAME_ID_SCAN_BYTES)}","id":"late"}`)).toBeUndefined();
    expect(readFrameId(`{"id":"early","data":"${'x'.repeat(FRAME_ID_SCAN_BYTES)}"}`)).toBe('early');
    expect(readFrameId('{"id":42}')).toBeUndefined();
    expect(readFrameId('{"id":"a\\"b"}')).toBeUndefined();
    expect(readFrameId('["id","x"]')).toBeUndefined();
    expect(readFrameId('{"id":"unterminated')).toBeUndefined();
  });

  it('returns only a valid id, whole: 64 code points of emoji yes, 65 or a lone surrogate or bytes that are not UTF-8 no', () => {
    const emoji = '😀'.repeat(64);
    expect(readFrameId(`{"id":"${emoji}","data":`)).toBe(emoji);
    expect(readFrameId(Buffer.from(`{"id":"${emoji}","data":`))).toBe(emoji);
    expect(readFrameId(`{"id":"${emoji}x","data":`)).toBeUndefined();
    expect(readFrameId('{"id":"ab\ud83d","data":')).toBeUndefined();
    expect(readFrameId(Buffer.concat([Buffer.from('{"id":"a'), Buffer.from([0xff]), Buffer.from('","data":')]))).toBeUndefined();
    expect(readFrameId('{"id":"","data":')).toBeUndefined();
  });

  it('keeps a leading U+FEFF that is part of the id (found by the fuzzer: the decoder took it for a byte-order mark)', () => {
    expect(readFrameId(Buffer.from('{"id":"\ufeffx","data":'))).toBe('\ufeffx');
    expect(readFrameId(Buffer.from('{"id":"\ufeff","data":'))).toBe('\ufeff');
  });

  it('gives bad JSON its ref when the id is readable', () => {
    const result = decodeClientFrame('{"id":"broken-1","action":"send_message","data":{');
    expect(result).toMatchObject({ ok: false, ref: 'broken-1', error: { code: ErrorCode.BadJson } });
  });
});
