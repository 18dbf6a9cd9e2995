import http from 'node:http';
import { join } from 'node:path';
import type { FileInfo } from '@herald/protocol';
import { makeElf, makePdf, makePng, makeWebm } from '@herald/testkit';
import { expect, it } from 'vitest';

import { describeFiles, filesUnder } from './files-harness.js';

describeFiles('file uploads', (h) => {
  it('stores a PNG with its dimensions and serves it back byte-identical, inline, as image/png', async () => {
    const alice = await h.api.register('Alice');
    const png = makePng(7, 3);
    const file = await h.uploaded(alice.accessToken, png, 'dot.png', 'image/png');
    expect(file).toMatchObject({ name: 'dot.png', mimeType: 'image/png', kind: 'image', size: png.length, width: 7, height: 3 });
    expect(file.uploaderId).toBe(alice.user.id);

    const got = await h.download(`/api/v1/files/${file.id}`, alice.accessToken);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(png)).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="dot.png"/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');

    const infoResponse = await h.api.request<{ file: FileInfo }>('GET', `/api/v1/files/${file.id}/info`, { token: alice.accessToken });
    expect(infoResponse.body.file).toEqual(file);
  });

  it('serves a PDF as an attachment under a header-safe name', async () => {
    const alice = await h.api.register('Alice');
    const pdf = makePdf('Quarterly numbers');
    const file = await h.uploaded(alice.accessToken, pdf, 'report "Q1" é.pdf', 'application/octet-stream');
    expect(file).toMatchObject({ mimeType: 'application/pdf', kind: 'document', width: null, height: null });
    const got = await h.download(`/api/v1/files/${file.id}`, alice.accessToken);
    expect(got.bytes.equals(pdf)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="report _Q1_ _.pdf"; filename*=UTF-8''report%20%22Q1%22%20%C3%A9.pdf`,
    );
  });

  it('types files by their content: an executable named photo.png is refused, text named .png is text', async () => {
    const alice = await h.api.register('Alice');
    const uploads = join(h.server.server.config.dataDir, 'uploads');
    const before = filesUnder(uploads);
    const refused = await h.upload(alice.accessToken, makeElf(), 'photo.png', 'image/png');
    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('application/x-elf') });
    expect(filesUnder(uploads)).toEqual(before);

    const text = await h.uploaded(alice.accessToken, Buffer.from('just words, naïvely\n'), 'notes.png', 'image/png');
    expect(text).toMatchObject({ mimeType: 'text/plain', kind: 'document' });
    const got = await h.download(`/api/v1/files/${text.id}`, alice.accessToken);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);

    const webm = await h.uploaded(alice.accessToken, makeWebm('audio'), 'voice.webm', 'video/webm');
    expect(webm).toMatchObject({ mimeType: 'audio/webm', kind: 'audio' });
  });

  it('cuts off an image over the image limit with 413 too_big and keeps nothing', async () => {
    const alice = await h.api.register('Alice');
    const uploads = join(h.server.server.config.dataDir, 'uploads');
    const before = filesUnder(uploads);
    const small = makePng(40, 40, true); // ~4.8 KiB: not compressible
    const big = makePng(60, 60, true); // ~10.8 KiB
    expect(small.length).toBeLessThan(h.IMAGE_LIMIT);
    expect(big.length).toBeGreaterThan(h.IMAGE_LIMIT);
    const refused = await h.upload(alice.accessToken, big, 'big.png', 'image/png');
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'too_big' });
    expect(filesUnder(uploads)).toEqual(before);
    // The same limit leaves room for other kinds: a larger PDF is fine.
    await h.uploaded(
      alice.accessToken,
      Buffer.concat([makePdf('x'), Buffer.alloc(h.IMAGE_LIMIT * 2, 0x20)]),
      'long.pdf',
      'application/pdf',
    );
    await h.uploaded(alice.accessToken, small, 'small.png', 'image/png');
  });

  /**
   * Start a multipart upload of `bytes` that is never finished, and resolve with the h.server's
   * answer and whether the h.server then closed the connection (instead of reading on).
   */
  async function unfinishedUpload(token: string | undefined, bytes: Buffer): Promise<{ status: number; body: unknown }> {
    const boundary = 'herald-test-boundary';
    const request = http.request(`${h.server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('error', () => {}); // the h.server closes the connection after answering
    const answered = new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n`);
    request.write(bytes);
    const response = await answered;
    const socketClosed = new Promise<void>((resolve) => {
      if (request.socket?.destroyed) resolve();
      else request.socket?.once('close', () => resolve());
    });
    const body = await new Promise<string>((resolve) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      response.on('end', () => resolve(text));
    });
    // The body was never ended: only the h.server can close this connection.
    await socketClosed;
    return { status: response.statusCode ?? 0, body: JSON.parse(body) };
  }

  it('answers 413 while a too-large upload is still being sent, then closes the connection', async () => {
    const alice = await h.api.register('Alice');
    const uploads = join(h.server.server.config.dataDir, 'uploads');
    const before = filesUnder(uploads);
    // A PNG header and 256 KiB of pixels so far.
    const answer = await unfinishedUpload(alice.accessToken, Buffer.concat([makePng(1, 1), Buffer.alloc(256 * 1024, 7)]));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: { code: 'too_big', details: { kind: 'image', limit: h.IMAGE_LIMIT } } });
    expect(filesUnder(uploads)).toEqual(before);
  });

  it('answers an upload without a token with 401 and closes the connection instead of reading the body', async () => {
    const answer = await unfinishedUpload(undefined, Buffer.alloc(64 * 1024, 1));
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it('refuses uploads without a token or without a multipart body', async () => {
    expect((await h.upload(undefined, makePng(1, 1), 'a.png', 'image/png')).status).toBe(401);
    const alice = await h.api.register('Alice');
    const json = await h.api.request('POST', '/api/v1/files/upload', { token: alice.accessToken, body: { file: 'no' } });
    expect(json.status).toBe(400);
  });
});
