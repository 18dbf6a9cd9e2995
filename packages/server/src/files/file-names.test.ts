import { describe, expect, it } from 'vitest';
import { contentDisposition, safeFileName } from './file-names.js';

describe('safeFileName', () => {
  it('keeps the last path segment without control or direction-override characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(safeFileName('evil\u202Egnp.exe')).toBe('evilgnp.exe');
    expect(safeFileName('a\r\nb.txt')).toBe('ab.txt');
    expect(safeFileName('  ')).toBe('file');
    expect(safeFileName(undefined)).toBe('file');
    expect(safeFileName('..')).toBe('file');
    expect([...safeFileName('é'.repeat(400))]).toHaveLength(255);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback without quotes and the exact UTF-8 name', () => {
    const header = contentDisposition('attachment', 'report "Q1" é.pdf');
    expect(header).toBe(`attachment; filename="report _Q1_ _.pdf"; filename*=UTF-8''report%20%22Q1%22%20%C3%A9.pdf`);
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
  });
});
