/**
 * File access end to end over real HTTP: the uploader and members of a conversation where the
 * file was shared, attachment checks on messages, byte ranges, signed links, and files kept across
 * a restart — on SQLite and PostgreSQL.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@herald/protocol';
import { makePdf, makePng, makeWav, TEST_JWT_SECRET, TestSocket } from '@herald/testkit';
import { expect, it } from 'vitest';
import { FileLinks } from '../src/files/file-links.js';

import { describeFiles } from './files-harness.js';

describeFiles('file access', (h) => {
  it('lets only the uploader and members of a conversation where it was shared read a file', async () => {
    const [alice, bob, carol] = [await h.api.register('Alice'), await h.api.register('Bob'), await h.api.register('Carol')];
    const file = await h.uploaded(alice.accessToken, makePng(2, 2), 'us.png', 'image/png');
    const path = `/api/v1/files/${file.id}`;
    expect((await h.download(path, bob.accessToken)).status).toBe(403);
    expect(h.errorCode(await h.download(path, bob.accessToken))).toBe('forbidden');
    expect((await h.api.request('GET', `${path}/info`, { token: bob.accessToken })).status).toBe(403);
    expect((await h.download(path)).status).toBe(401);
    expect((await h.download('/api/v1/files/00000000-0000-0000-0000-000000000000', alice.accessToken)).status).toBe(404);

    const message = await h.share(alice, bob, file, 'image');
    expect(message.attachment).toEqual({ fileId: file.id, name: 'us.png', mimeType: 'image/png', size: file.size, width: 2, height: 2 });
    const atBob = await h.download(path, bob.accessToken);
    expect(atBob.status).toBe(200);
    expect(atBob.headers.get('content-type')).toBe('image/png');
    expect((await h.download(path, carol.accessToken)).status).toBe(403);
  });

  it("fills attachments from the stored file, and refuses someone else's, unknown or ill-fitting files", async () => {
    const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
    const conversationId = await h.api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const send = (token: string, type: string, attachment: Record<string, unknown>) =>
      h.api.request<{ message: Message; error: { code: string; message: string } }>(
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        {
          token,
          body: { type, attachment },
        },
      );
    const png = await h.uploaded(alice.accessToken, makePng(4, 5), 'a.png', 'image/png');
    const pdf = await h.uploaded(alice.accessToken, makePdf('x'), 'a.pdf', 'application/pdf');
    const wav = await h.uploaded(alice.accessToken, makeWav(800), 'a.wav', 'audio/wav');

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
    const socket = await TestSocket.connect(h.server.wsUrl, bob.accessToken);
    h.sockets.push(socket);
    const refused = await socket
      .request({ action: 'send_message', type: 'image', data: { conversationId, text: '', attachment: { fileId: png.id } } })
      .catch((error: { data: { code: string } }) => error.data);
    expect(refused).toMatchObject({ code: 'forbidden' });
  });

  it('serves byte ranges of audio: 206 with Content-Range, 416 past the end', async () => {
    const alice = await h.api.register('Alice');
    const wav = makeWav(4000);
    const file = await h.uploaded(alice.accessToken, wav, 'tone.wav', 'audio/x-whatever');
    expect(file).toMatchObject({ mimeType: 'audio/wav', kind: 'audio', size: wav.length });
    const path = `/api/v1/files/${file.id}`;

    const middle = await h.download(path, alice.accessToken, { range: 'bytes=100-1099' });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${wav.length}`);
    expect(middle.headers.get('content-length')).toBe('1000');
    expect(middle.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(middle.bytes.equals(wav.subarray(100, 1100))).toBe(true);

    const tail = await h.download(path, alice.accessToken, { range: 'bytes=-44' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${wav.length - 44}-${wav.length - 1}/${wav.length}`);
    expect(tail.bytes.equals(wav.subarray(wav.length - 44))).toBe(true);

    const beyond = await h.download(path, alice.accessToken, { range: `bytes=${wav.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${wav.length}`);

    const whole = await h.download(path, alice.accessToken);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.bytes.equals(wav)).toBe(true);
  });

  it('signed links download without a header, only for their file and user, until they expire', async () => {
    const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
    const png = makePng(3, 3);
    const file = await h.uploaded(alice.accessToken, png, 'link.png', 'image/png');
    const other = await h.uploaded(alice.accessToken, makePng(1, 1), 'other.png', 'image/png');
    expect((await h.api.request('POST', `/api/v1/files/${file.id}/link`, { token: bob.accessToken })).status).toBe(403);

    const made = await h.api.request<{ url: string; expiresAt: number }>('POST', `/api/v1/files/${file.id}/link`, {
      token: alice.accessToken,
    });
    expect(made.status).toBe(200);
    expect(made.body.url).not.toContain(alice.accessToken);
    expect(made.body.expiresAt - Date.now()).toBeLessThanOrEqual(600_000);
    const got = await h.download(made.body.url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(png)).toBe(true);

    const url = new URL(made.body.url, h.server.url);
    const tampered = (name: string, value: string) => {
      const copy = new URL(url);
      copy.searchParams.set(name, value);
      return `${copy.pathname}${copy.search}`;
    };
    const sig = url.searchParams.get('sig') ?? '';
    expect((await h.download(tampered('sig', `${sig.slice(0, -2)}xx`))).status).toBe(401);
    expect((await h.download(tampered('uid', bob.user.id))).status).toBe(401);
    expect((await h.download(tampered('exp', String(Date.now() + 3_600_000)))).status).toBe(401);
    expect((await h.download(`/api/v1/files/${other.id}${url.search}`)).status).toBe(401);

    // A correctly signed link whose time has passed (signed with the test h.server's secret).
    const expired = new FileLinks(TEST_JWT_SECRET, 60, () => Date.now() - 120_000).sign(file.id, alice.user.id);
    const late = await h.download(expired.url);
    expect(late.status).toBe(401);
    expect(h.errorCode(late)).toBe('token_expired');

    // A link is only as good as its user's access: Bob's link stops working when he leaves.
    const message = await h.share(alice, bob, file, 'image');
    const bobs = await h.api.request<{ url: string }>('POST', `/api/v1/files/${file.id}/link`, { token: bob.accessToken });
    expect((await h.download(bobs.body.url)).status).toBe(200);
    const left = await h.api.request('DELETE', `/api/v1/conversations/${message.conversationId}/members/${bob.user.id}`, {
      token: bob.accessToken,
    });
    expect(left.status).toBe(204);
    expect((await h.download(bobs.body.url)).status).toBe(403);
  });

  it('keeps files across a restart, and sweeps unfinished uploads a crash left behind', async () => {
    const alice = await h.api.register('Alice');
    const png = makePng(5, 5);
    const file = await h.uploaded(alice.accessToken, png, 'kept.png', 'image/png');
    const incoming = join(h.server.server.config.dataDir, 'uploads', '.incoming');
    mkdirSync(incoming, { recursive: true });
    const old = join(incoming, 'crashed.part');
    const fresh = join(incoming, 'in-flight.part');
    writeFileSync(old, 'half an upload');
    writeFileSync(fresh, 'another upload');
    const longAgo = new Date(Date.now() - 24 * 3600_000);
    utimesSync(old, longAgo, longAgo);

    h.server = await h.server.restart();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    const got = await h.download(`/api/v1/files/${file.id}`, alice.accessToken);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(png)).toBe(true);
  });
});
