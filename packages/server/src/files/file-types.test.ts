import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_ALLOWED_TYPES, isAllowed, TextSniffer } from './file-types.js';

function isText(...chunks: Uint8Array[]): boolean {
  const sniffer = new TextSniffer();
  for (const chunk of chunks) sniffer.push(chunk);
  return sniffer.end();
}

describe('classify', () => {
  it('names formats by their content, whatever the file is called', () => {
    expect(classify({ ext: 'png', mime: 'image/png' }, false, 'song.mp3')).toEqual({ mimeType: 'image/png', kind: 'image' });
    expect(classify({ ext: 'm4a', mime: 'audio/x-m4a' }, false, 'a')).toEqual({ mimeType: 'audio/mp4', kind: 'audio' });
    expect(classify({ ext: 'opus', mime: 'audio/ogg; codecs=opus' }, false, 'a')).toEqual({ mimeType: 'audio/ogg', kind: 'audio' });
    expect(classify({ ext: 'webm', mime: 'video/webm' }, false, 'a', true)).toEqual({ mimeType: 'audio/webm', kind: 'audio' });
    expect(classify({ ext: 'webm', mime: 'video/webm' }, false, 'a')).toEqual({ mimeType: 'video/webm', kind: 'video' });
    expect(classify({ ext: 'pdf', mime: 'application/pdf' }, false, 'x.png')).toEqual({ mimeType: 'application/pdf', kind: 'document' });
    expect(classify(undefined, false, 'x.txt')).toBeUndefined();
  });

  it('lets the name choose only between formats sharing a verified container', () => {
    const cfb = { ext: 'cfb', mime: 'application/x-cfb' };
    expect(classify(cfb, false, 'old.xls')?.mimeType).toBe('application/vnd.ms-excel');
    expect(classify(cfb, false, 'old.doc')?.mimeType).toBe('application/msword');
    expect(classify(cfb, false, 'setup.msi')?.mimeType).toBe('application/x-cfb');
    expect(classify(undefined, true, 'data.csv')).toEqual({ mimeType: 'text/csv', kind: 'document' });
    expect(classify(undefined, true, 'photo.png')).toEqual({ mimeType: 'text/plain', kind: 'document' });
  });
});

describe('isAllowed', () => {
  it('matches exact types and type/* patterns', () => {
    expect(isAllowed('image/png', DEFAULT_ALLOWED_TYPES)).toBe(true);
    expect(isAllowed('application/x-cfb', DEFAULT_ALLOWED_TYPES)).toBe(false);
    expect(isAllowed('application/x-elf', DEFAULT_ALLOWED_TYPES)).toBe(false);
    expect(isAllowed('image/bmp', ['image/*'])).toBe(true);
    expect(isAllowed('imagex/bmp', ['image/*'])).toBe(false);
  });
});

describe('TextSniffer', () => {
  it('accepts UTF-8 text split anywhere, and refuses invalid UTF-8 or binary control bytes', () => {
    const bytes = Buffer.from('naïve, café\tok\r\n', 'utf8');
    const split = bytes.indexOf(0xc3) + 1; // inside a two-byte sequence
    expect(isText(bytes.subarray(0, split), bytes.subarray(split))).toBe(true);
    expect(isText(Buffer.from([0x61, 0xff, 0x62]))).toBe(false);
    expect(isText(Buffer.from('a\u0000b'))).toBe(false);
    expect(isText(Buffer.from([0x61, 0xc3]))).toBe(false);
  });
});
