/**
 * Storage limits of uploads end to end over real HTTP, on SQLite and PostgreSQL: the per-user
 * quota (refused early, nothing left on disk, freed by a delete), deleting one's own upload
 * (204 and bytes gone; 409 once a message carries it; 404 for everyone else), and the sweep of
 * uploads never attached to a message (row and bytes gone after the grace; attached ones stay).
 */
import { join } from 'node:path';
import { makePng } from '@herald/testkit';
import { expect, it } from 'vitest';
import { describeFiles, type FilesHarness, filesUnder } from './files-harness.js';

const QUOTA = 100_000;
const GRACE_SECONDS = 3;

const text = (bytes: number, fill = 'a') => new TextEncoder().encode(fill.repeat(bytes));

/** The stored uploads' byte files (not the temp files of uploads in progress). */
function storedFiles(h: FilesHarness): string[] {
  return filesUnder(join(h.server.server.config.dataDir, 'uploads')).filter((path) => !path.includes('.incoming'));
}

function partFiles(h: FilesHarness): string[] {
  return filesUnder(join(h.server.server.config.dataDir, 'uploads', '.incoming'));
}

async function rejections(h: FilesHarness, limit: string): Promise<number> {
  const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith(`herald_limit_rejections_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describeFiles(
  'upload quota and deleting uploads',
  (h) => {
    it('refuses an upload that would pass the quota (413 upload_quota, nothing on disk) and fits again after a delete', async () => {
      const alice = await h.api.register('Alice');
      const first = await h.uploaded(alice.accessToken, text(60_000), 'first.txt', 'text/plain');
      expect(storedFiles(h)).toHaveLength(1);
      const before = await rejections(h, 'upload_quota');

      // Its Content-Length is under the quota plus framing, so it is cut off while streaming.
      const streamed = await h.upload(alice.accessToken, text(50_000), 'second.txt', 'text/plain');
      expect(streamed.status).toBe(413);
      expect(streamed.body.error).toMatchObject({ code: 'too_big', details: { limit: 'upload_quota' } });
      // Its Content-Length alone cannot fit: refused before the body is read.
      const declared = await h.upload(alice.accessToken, text(QUOTA + 80_000), 'huge.txt', 'text/plain');
      expect(declared.status).toBe(413);
      expect(declared.body.error).toMatchObject({ code: 'too_big', details: { limit: 'upload_quota' } });
      expect(await rejections(h, 'upload_quota')).toBe(before + 2);
      expect(storedFiles(h)).toHaveLength(1);
      expect(partFiles(h)).toEqual([]);

      // Another user's quota is their own.
      const bob = await h.api.register('Bob');
      await h.uploaded(bob.accessToken, text(50_000), 'bob.txt', 'text/plain');

      const deleted = await h.api.request('DELETE', `/api/v1/files/${first.id}`, { token: alice.accessToken });
      expect(deleted.status).toBe(204);
      const again = await h.uploaded(alice.accessToken, text(50_000), 'second.txt', 'text/plain');
      expect(again.size).toBe(50_000);
    });

    it('never lets concurrent uploads together pass the quota', async () => {
      const carol = await h.api.register('Carol');
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((fill) => h.upload(carol.accessToken, text(45_000, fill), `${fill}.txt`, 'text/plain')),
      );
      const accepted = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 413);
      expect(accepted.length + refused.length).toBe(4);
      expect(accepted.length).toBeGreaterThanOrEqual(1);
      expect(accepted.length * 45_000).toBeLessThanOrEqual(QUOTA);
      for (const r of refused) expect(r.body.error).toMatchObject({ code: 'too_big', details: { limit: 'upload_quota' } });
      await expect.poll(() => partFiles(h)).toEqual([]);
    });

    it("deletes one's own unattached upload (204, bytes gone), refuses an attached one (409) and hides others' (404)", async () => {
      const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
      const loose = await h.uploaded(alice.accessToken, makePng(3, 3), 'loose.png', 'image/png');
      const stored = storedFiles(h).length;
      const deleteAs = (token: string | undefined, id: string) =>
        h.api.request<{ error: { code: string } }>('DELETE', `/api/v1/files/${id}`, token ? { token } : {});

      expect((await deleteAs(undefined, loose.id)).status).toBe(401);
      const foreign = await deleteAs(bob.accessToken, loose.id);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found');
      expect((await deleteAs(alice.accessToken, loose.id)).status).toBe(204);
      expect(storedFiles(h)).toHaveLength(stored - 1);
      expect((await h.download(`/api/v1/files/${loose.id}`, alice.accessToken)).status).toBe(404);
      expect((await deleteAs(alice.accessToken, loose.id)).status).toBe(404);

      const shared = await h.uploaded(alice.accessToken, makePng(2, 2), 'shared.png', 'image/png');
      await h.share(alice, bob, shared, 'image');
      const attached = await deleteAs(alice.accessToken, shared.id);
      expect(attached.status).toBe(409);
      expect(attached.body.error.code).toBe('conflict');
      // A member who may read it still may not delete it, and learns nothing more than a stranger.
      expect((await deleteAs(bob.accessToken, shared.id)).status).toBe(404);
      expect((await h.download(`/api/v1/files/${shared.id}`, bob.accessToken)).status).toBe(200);
    });
  },
  { HERALD_UPLOAD_QUOTA_BYTES: String(QUOTA) },
);

describeFiles('deleting a message with an attachment', (h) => {
  it('removes the file, row and bytes, once no message carries it', async () => {
    const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
    const image = await h.uploaded(alice.accessToken, makePng(4, 4), 'gone.png', 'image/png');
    const message = await h.share(alice, bob, image, 'image');
    expect(storedFiles(h)).toHaveLength(1);
    const deleted = await h.api.request('DELETE', `/api/v1/conversations/${message.conversationId}/messages/${message.id}`, {
      token: alice.accessToken,
    });
    expect(deleted).toMatchObject({ status: 200, body: { seq: 2 } });
    // The bytes go after the deletion is stored (not on its path): wait for the row to be gone.
    await expect
      .poll(async () => (await h.api.request('GET', `/api/v1/files/${image.id}/info`, { token: alice.accessToken })).status, {
        timeout: 5_000,
        interval: 50,
      })
      .toBe(404);
    // The row goes first, then the bytes: wait for those too.
    await expect.poll(() => storedFiles(h).length, { timeout: 5_000, interval: 20 }).toBe(0);
    expect((await h.download(`/api/v1/files/${image.id}`, bob.accessToken)).status).toBe(404);
  });
});

describeFiles(
  'unattached upload sweep',
  (h) => {
    it('deletes uploads never attached after the grace period, row and bytes, and keeps attached ones', async () => {
      const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
      const loose = await h.uploaded(alice.accessToken, text(1_000), 'loose.txt', 'text/plain');
      const kept = await h.uploaded(alice.accessToken, makePng(2, 2), 'kept.png', 'image/png');
      await h.share(alice, bob, kept, 'image');
      expect(storedFiles(h)).toHaveLength(2);

      await expect
        .poll(async () => (await h.api.request('GET', `/api/v1/files/${loose.id}/info`, { token: alice.accessToken })).status, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe(404);
      expect(storedFiles(h)).toHaveLength(1);
      expect((await h.download(`/api/v1/files/${kept.id}`, bob.accessToken)).status).toBe(200);
      // The swept upload no longer counts: the whole quota is free again but for the attached file.
      const big = await h.uploaded(alice.accessToken, text(QUOTA - kept.size), 'fits.txt', 'text/plain');
      expect(big.size).toBe(QUOTA - kept.size);
    });

    it('refuses to attach an unattached upload at the end of its grace period', async () => {
      const [alice, bob] = [await h.api.register('Alice'), await h.api.register('Bob')];
      const conversationId = await h.api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const late = await h.uploaded(alice.accessToken, text(10), 'late.txt', 'text/plain');
      // Past grace − margin (3 s − 0.75 s), before or after the sweep took it: either way refused.
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS - 0.5) * 1000));
      const sent = await h.api.request<{ error: { code: string } }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: alice.accessToken,
        body: { type: 'file', attachment: { fileId: late.id } },
      });
      expect(sent.status).toBe(400);
      expect(sent.body.error.code).toBe('bad_request');
    });
  },
  { HERALD_UPLOAD_QUOTA_BYTES: String(QUOTA), HERALD_UPLOAD_UNATTACHED_TTL: String(GRACE_SECONDS) },
);
