/**
 * Files end to end over real HTTP: upload (type from the content, size limits per kind, nothing
 * kept on refusal), download (exact bytes, type, disposition, byte ranges), access (uploader and
 * members of a conversation where the file was shared), signed links, and attachment checks on
 * messages — on SQLite and PostgreSQL.
 */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { AuthResponse, FileInfo, Message } from '@herald/protocol';
import {
  ApiClient,
  makeElf,
  makePdf,
  makePng,
  makeWav,
  makeWebm,
  postgresAvailable,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  TestSocket,
} from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLinks } from '../src/files/file-links.js';

const hasPostgres = await postgresAvailable();

interface Upload {
  status: number;
  body: { file: FileInfo; error?: undefined } | { file?: undefined; error: { code: string; message: string } };
}

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** Every file under `dir`, recursively, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length));
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`files on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];
    const IMAGE_LIMIT = 8 * 1024;

    async function upload(token: string | undefined, bytes: Uint8Array, name: string, claimedType: string): Promise<Upload> {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: claimedType }), name);
      const response = await fetch(`${server.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Upload['body'] };
    }

    async function uploaded(token: string, bytes: Uint8Array, name: string, claimedType: string): Promise<FileInfo> {
      const result = await upload(token, bytes, name, claimedType);
      if (!result.body.file) throw new Error(`upload failed: ${result.status} ${JSON.stringify(result.body)}`);
      expect(result.status).toBe(201);
      return result.body.file;
    }

    async function download(path: string, token?: string, headers: Record<string, string> = {}): Promise<Download> {
      const response = await fetch(`${server.url}${path}`, {
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
    }

    const errorCode = (download: Download) => (JSON.parse(download.bytes.toString('utf8')) as { error: { code: string } }).error.code;

    async function share(from: AuthResponse, to: AuthResponse, file: FileInfo, type: 'image' | 'file' | 'audio'): Promise<Message> {
      const conversationId = await api.conversation(from.accessToken, { kind: 'direct', userId: to.user.id });
      const sent = await api.request<{ message: Message }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: from.accessToken,
        body: { type, attachment: { fileId: file.id } },
      });
      expect(sent.status).toBe(201);
      return sent.body.message;
    }

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_UPLOAD_MAX_IMAGE_BYTES: String(IMAGE_LIMIT) } });
      api = new ApiClient(server.url);
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('stores a PNG with its dimensions and serves it back byte-identical, inline, as image/png', async () => {
      const alice = await api.register('Alice');
      const png = makePng(7, 3);
      const file = await uploaded(alice.accessToken, png, 'dot.png', 'image/png');
      expect(file).toMatchObject({ name: 'dot.png', mimeType: 'image/png', kind: 'image', size: png.length, width: 7, height: 3 });
      expect(file.uploaderId).toBe(alice.user.id);

      const got = await download(`/api/v1/files/${file.id}`, alice.accessToken);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(png)).toBe(true);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="dot.png"/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');

      const infoResponse = await api.request<{ file: FileInfo }>('GET', `/api/v1/files/${file.id}/info`, { token: alice.accessToken });
      expect(infoResponse.body.file).toEqual(file);
    });

    it('serves a PDF as an attachment under a header-safe name', async () => {
      const alice = await api.register('Alice');
      const pdf = makePdf('Quarterly numbers');
      const file = await uploaded(alice.accessToken, pdf, 'report "Q1" é.pdf', 'application/octet-stream');
      expect(file).toMatchObject({ mimeType: 'application/pdf', kind: 'document', width: null, height: null });
      const got = await download(`/api/v1/files/${file.id}`, alice.accessToken);
      expect(got.bytes.equals(pdf)).toBe(true);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toBe(
        `attachment; filename="report _Q1_ _.pdf"; filename*=UTF-8''report%20%22Q1%22%20%C3%A9.pdf`,
      );
    });

    it('types files by their content: an executable named photo.png is refused, text named .png is text', async () => {
      const alice = await api.register('Alice');
      const uploads = join(server.server.config.dataDir, 'uploads');
      const before = filesUnder(uploads);
      const refused = await upload(alice.accessToken, makeElf(), 'photo.png', 'image/png');
      expect(refused.status).toBe(415);
      expect(refused.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('application/x-elf') });
      expect(filesUnder(uploads)).toEqual(before);

      const text = await uploaded(alice.accessToken, Buffer.from('just words, naïvely\n'), 'notes.png', 'image/png');
      expect(text).toMatchObject({ mimeType: 'text/plain', kind: 'document' });
      const got = await download(`/api/v1/files/${text.id}`, alice.accessToken);
      expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);

      const webm = await uploaded(alice.accessToken, makeWebm('audio'), 'voice.webm', 'video/webm');
      expect(webm).toMatchObject({ mimeType: 'audio/webm', kind: 'audio' });
    });

    it('cuts off an image over the image limit with 413 too_big and keeps nothing', async () => {
      const alice = await api.register('Alice');
      const uploads = join(server.server.config.dataDir, 'uploads');
      const before = filesUnder(uploads);
      const small = makePng(40, 40, true); // ~4.8 KiB: not compressible
      const big = makePng(60, 60, true); // ~10.8 KiB
      expect(small.length).toBeLessThan(IMAGE_LIMIT);
      expect(big.length).toBeGreaterThan(IMAGE_LIMIT);
      const refused = await upload(alice.accessToken, big, 'big.png', 'image/png');
      expect(refused.status).toBe(413);
      expect(refused.body.error).toMatchObject({ code: 'too_big' });
      expect(filesUnder(uploads)).toEqual(before);
      // The same limit leaves room for other kinds: a larger PDF is fine.
      await uploaded(alice.accessToken, Buffer.concat([makePdf('x'), Buffer.alloc(IMAGE_LIMIT * 2, 0x20)]), 'long.pdf', 'application/pdf');
      await uploaded(alice.accessToken, small, 'small.png', 'image/png');
    });

    /**
     * Start a multipart upload of `bytes` that is never finished, and resolve with the server's
     * answer and whether the server then closed the connection (instead of reading on).
     */
    async function unfinishedUpload(token: string | undefined, bytes: Buffer): Promise<{ status: number; body: unknown }> {
      const boundary = 'herald-test-boundary';
      const request = http.request(`${server.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      request.on('error', () => {}); // the server closes the connection after answering
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
      // The body was never ended: only the server can close this connection.
      await socketClosed;
      return { status: response.statusCode ?? 0, body: JSON.parse(body) };
    }

    it('answers 413 while a too-large upload is still being sent, then closes the connection', async () => {
      const alice = await api.register('Alice');
      const uploads = join(server.server.config.dataDir, 'uploads');
      const before = filesUnder(uploads);
      // A PNG header and 256 KiB of pixels so far.
      const answer = await unfinishedUpload(alice.accessToken, Buffer.concat([makePng(1, 1), Buffer.alloc(256 * 1024, 7)]));
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ error: { code: 'too_big', details: { kind: 'image', limit: IMAGE_LIMIT } } });
      expect(filesUnder(uploads)).toEqual(before);
    });

    it('answers an upload without a token with 401 and closes the connection instead of reading the body', async () => {
      const answer = await unfinishedUpload(undefined, Buffer.alloc(64 * 1024, 1));
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    });

    it('refuses uploads without a token or without a multipart body', async () => {
      expect((await upload(undefined, makePng(1, 1), 'a.png', 'image/png')).status).toBe(401);
      const alice = await api.register('Alice');
      const json = await api.request('POST', '/api/v1/files/upload', { token: alice.accessToken, body: { file: 'no' } });
      expect(json.status).toBe(400);
    });

    it('lets only the uploader and members of a conversation where it was shared read a file', async () => {
      const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
      const file = await uploaded(alice.accessToken, makePng(2, 2), 'us.png', 'image/png');
      const path = `/api/v1/files/${file.id}`;
      expect((await download(path, bob.accessToken)).status).toBe(403);
      expect(errorCode(await download(path, bob.accessToken))).toBe('forbidden');
      expect((await api.request('GET', `${path}/info`, { token: bob.accessToken })).status).toBe(403);
      expect((await download(path)).status).toBe(401);
      expect((await download('/api/v1/files/00000000-0000-0000-0000-000000000000', alice.accessToken)).status).toBe(404);

      const message = await share(alice, bob, file, 'image');
      expect(message.attachment).toEqual({ fileId: file.id, name: 'us.png', mimeType: 'image/png', size: file.size, width: 2, height: 2 });
      const atBob = await download(path, bob.accessToken);
      expect(atBob.status).toBe(200);
      expect(atBob.headers.get('content-type')).toBe('image/png');
      expect((await download(path, carol.accessToken)).status).toBe(403);
    });

    it("fills attachments from the stored file, and refuses someone else's, unknown or ill-fitting files", async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const send = (token: string, type: string, attachment: Record<string, unknown>) =>
        api.request<{ message: Message; error: { code: string; message: string } }>(
          'POST',
          `/api/v1/conversations/${conversationId}/messages`,
          {
            token,
            body: { type, attachment },
          },
        );
      const png = await uploaded(alice.accessToken, makePng(4, 5), 'a.png', 'image/png');
      const pdf = await uploaded(alice.accessToken, makePdf('x'), 'a.pdf', 'application/pdf');
      const wav = await uploaded(alice.accessToken, makeWav(800), 'a.wav', 'audio/wav');

      const foreign = await send(bob.accessToken, 'image', { fileId: png.id });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.code).toBe('forbidden');
      const unknown = await send(alice.accessToken, 'image', { fileId: 'no-such-file' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe('unknown attachment');
      expect((await send(alice.accessToken, 'image', { fileId: pdf.id })).status).toBe(400);
      expect((await send(alice.accessToken, 'audio', { fileId: png.id })).status).toBe(400);

      const claimed = await send(alice.accessToken, 'image', { fileId: png.id, name: 'x.exe', mimeType: 'text/html', size: 1, width: 999 });
      expect(claimed.status).toBe(201);
      expect(claimed.body.message.attachment).toEqual({
        fileId: png.id,
        name: 'a.png',
        mimeType: 'image/png',
        size: png.size,
        width: 4,
        height: 5,
      });
      const voice = await send(alice.accessToken, 'audio', { fileId: wav.id, durationMs: 100 });
      expect(voice.body.message.attachment).toMatchObject({ mimeType: 'audio/wav', durationMs: 100 });
      expect((await send(alice.accessToken, 'file', { fileId: pdf.id })).status).toBe(201);

      // The socket path goes through the same check.
      const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
      sockets.push(socket);
      const refused = await socket
        .request({ action: 'send_message', type: 'image', data: { conversationId, text: '', attachment: { fileId: png.id } } })
        .catch((error: { data: { code: string } }) => error.data);
      expect(refused).toMatchObject({ code: 'forbidden' });
    });

    it('serves byte ranges of audio: 206 with Content-Range, 416 past the end', async () => {
      const alice = await api.register('Alice');
      const wav = makeWav(4000);
      const file = await uploaded(alice.accessToken, wav, 'tone.wav', 'audio/x-whatever');
      expect(file).toMatchObject({ mimeType: 'audio/wav', kind: 'audio', size: wav.length });
      const path = `/api/v1/files/${file.id}`;

      const middle = await download(path, alice.accessToken, { range: 'bytes=100-1099' });
      expect(middle.status).toBe(206);
      expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${wav.length}`);
      expect(middle.headers.get('content-length')).toBe('1000');
      expect(middle.headers.get('content-disposition')).toMatch(/^inline;/);
      expect(middle.bytes.equals(wav.subarray(100, 1100))).toBe(true);

      const tail = await download(path, alice.accessToken, { range: 'bytes=-44' });
      expect(tail.status).toBe(206);
      expect(tail.headers.get('content-range')).toBe(`bytes ${wav.length - 44}-${wav.length - 1}/${wav.length}`);
      expect(tail.bytes.equals(wav.subarray(wav.length - 44))).toBe(true);

      const beyond = await download(path, alice.accessToken, { range: `bytes=${wav.length}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${wav.length}`);

      const whole = await download(path, alice.accessToken);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(whole.bytes.equals(wav)).toBe(true);
    });

    it('signed links download without a header, only for their file and user, until they expire', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const png = makePng(3, 3);
      const file = await uploaded(alice.accessToken, png, 'link.png', 'image/png');
      const other = await uploaded(alice.accessToken, makePng(1, 1), 'other.png', 'image/png');
      expect((await api.request('POST', `/api/v1/files/${file.id}/link`, { token: bob.accessToken })).status).toBe(403);

      const made = await api.request<{ url: string; expiresAt: number }>('POST', `/api/v1/files/${file.id}/link`, {
        token: alice.accessToken,
      });
      expect(made.status).toBe(200);
      expect(made.body.url).not.toContain(alice.accessToken);
      expect(made.body.expiresAt - Date.now()).toBeLessThanOrEqual(600_000);
      const got = await download(made.body.url);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(png)).toBe(true);

      const url = new URL(made.body.url, server.url);
      const tampered = (name: string, value: string) => {
        const copy = new URL(url);
        copy.searchParams.set(name, value);
        return `${copy.pathname}${copy.search}`;
      };
      const sig = url.searchParams.get('sig') ?? '';
      expect((await download(tampered('sig', `${sig.slice(0, -2)}xx`))).status).toBe(401);
      expect((await download(tampered('uid', bob.user.id))).status).toBe(401);
      expect((await download(tampered('exp', String(Date.now() + 3_600_000)))).status).toBe(401);
      expect((await download(`/api/v1/files/${other.id}${url.search}`)).status).toBe(401);

      // A correctly signed link whose time has passed (signed with the test server's secret).
      const expired = new FileLinks(TEST_JWT_SECRET, 60, () => Date.now() - 120_000).sign(file.id, alice.user.id);
      const late = await download(expired.url);
      expect(late.status).toBe(401);
      expect(errorCode(late)).toBe('token_expired');

      // A link is only as good as its user's access: Bob's link stops working when he leaves.
      const message = await share(alice, bob, file, 'image');
      const bobs = await api.request<{ url: string }>('POST', `/api/v1/files/${file.id}/link`, { token: bob.accessToken });
      expect((await download(bobs.body.url)).status).toBe(200);
      const left = await api.request('DELETE', `/api/v1/conversations/${message.conversationId}/members/${bob.user.id}`, {
        token: bob.accessToken,
      });
      expect(left.status).toBe(204);
      expect((await download(bobs.body.url)).status).toBe(403);
    });

    it('keeps files across a restart, and sweeps unfinished uploads a crash left behind', async () => {
      const alice = await api.register('Alice');
      const png = makePng(5, 5);
      const file = await uploaded(alice.accessToken, png, 'kept.png', 'image/png');
      const incoming = join(server.server.config.dataDir, 'uploads', '.incoming');
      mkdirSync(incoming, { recursive: true });
      const old = join(incoming, 'crashed.part');
      const fresh = join(incoming, 'in-flight.part');
      writeFileSync(old, 'half an upload');
      writeFileSync(fresh, 'another upload');
      const longAgo = new Date(Date.now() - 24 * 3600_000);
      utimesSync(old, longAgo, longAgo);

      server = await server.restart();
      expect(existsSync(old)).toBe(false);
      expect(existsSync(fresh)).toBe(true);
      const got = await download(`/api/v1/files/${file.id}`, alice.accessToken);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(png)).toBe(true);
    });
  });
}
