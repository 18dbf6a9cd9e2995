/**
 * /api/v1/files: upload (multipart), metadata, download (Bearer or a signed link; byte ranges),
 * signed download links, and deleting one's own unattached upload.
 * Invariants: only the uploader and members of a conversation where the file was shared may read
 * it (checked on every download, signed links included); a refused upload leaves nothing behind;
 * no upload takes its uploader's stored total past the quota (upload-quota.ts); only the uploader
 * may delete a file, and only while no message carries it (a message never loses its attachment);
 * downloads carry the stored type with `nosniff`, and anything but images, audio and video is
 * served as an attachment.
 */
import { rm } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { ErrorCode, type FileInfo, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import { parseRange } from './byte-range.js';
import type { FileLinks } from './file-links.js';
import { contentDisposition, safeFileName } from './file-names.js';
import type { FileRecord, FileRepository } from './file-repository.js';
import type { FileStorage } from './file-storage.js';
import { isInlineKind } from './file-types.js';
import type { UploadQuota } from './upload-quota.js';
import { largestLimit, type ReceivedUpload, receiveUpload, type UploadPolicy, UploadRefusedError } from './upload-receiver.js';

export interface FileRoutesDeps {
  files: FileRepository;
  storage: FileStorage;
  links: FileLinks;
  authenticate: Authenticator;
  policy: UploadPolicy;
  quota: UploadQuota;
  /** Where uploads are received before they are stored (same filesystem as local storage). */
  tempDir: string;
}

/** Room for multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

function info(file: FileRecord): FileInfo {
  const { storageKey: _private, ...rest } = file;
  return rest;
}

export async function fileRoutes(app: FastifyInstance, deps: FileRoutesDeps): Promise<void> {
  const { files, storage, links, authenticate, policy, quota } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.files;
  const cap = largestLimit(policy);
  await app.register(multipart, { limits: { fileSize: cap + 1, files: 1, fields: 20, fieldSize: 4096, parts: 40 } });

  /** The file, if it exists and `userId` may read it. */
  async function readable(id: string, userId: string): Promise<FileRecord> {
    const file = await files.findFile(id);
    if (!file) throw new HeraldError(ErrorCode.NotFound, 'file not found');
    if (!(await files.canReadFile(id, userId))) throw new HeraldError(ErrorCode.Forbidden, 'you may not read this file');
    return file;
  }

  /** Authenticate, then receive the request's file part into a temp file (the caller owns it). */
  async function receive(request: FastifyRequest): Promise<{ actor: Actor; name: string; received: ReceivedUpload }> {
    const actor = await authenticate(request);
    if (!request.isMultipart()) throw new HeraldError(ErrorCode.BadRequest, 'send the file as multipart/form-data, in a part named "file"');
    const contentLength = Number(request.headers['content-length']);
    if (contentLength > cap + MULTIPART_OVERHEAD) {
      throw new UploadRefusedError(413, `uploads may be at most ${cap} bytes`, { limit: cap });
    }
    // The file is at least the body less its multipart framing: refuse before reading it if even that cannot fit.
    const claim = await quota.begin(actor.userId, Number.isFinite(contentLength) ? contentLength - MULTIPART_OVERHEAD : undefined);
    try {
      const part = await request.file();
      if (!part) throw new HeraldError(ErrorCode.BadRequest, 'the form has no file part');
      // Browsers (and fetch's FormData) escape `"` in a multipart file name as %22 (WHATWG HTML).
      const name = safeFileName(part.filename.replaceAll('%22', '"'));
      return { actor, name, received: await receiveUpload(part.file, name, deps.tempDir, policy, (size) => claim.grow(size)) };
    } finally {
      claim.release();
    }
  }

  // Multipart, and a refused upload closes the connection (even for a missing token): all its own.
  route.raw(contract.upload, {}, async (request, reply) => {
    let upload: Awaited<ReturnType<typeof receive>>;
    try {
      upload = await receive(request);
    } catch (error) {
      // The rest of the body may be unread (and large): close the connection instead of draining it.
      reply.header('connection', 'close');
      if (error instanceof UploadRefusedError) return reply.status(error.status).send({ error: error.toJSON() });
      throw error;
    }
    const { actor, name, received } = upload;
    const storageKey = await storage.save(received.tempPath).catch(async (error: unknown) => {
      await rm(received.tempPath, { force: true });
      throw error;
    });
    try {
      const newFile = {
        uploaderId: actor.userId,
        name,
        mimeType: received.type.mimeType,
        size: received.size,
        kind: received.type.kind,
        width: received.width,
        height: received.height,
        storageKey,
      };
      // The atomic check: uploads finishing at once (on any node) cannot together pass the quota.
      const file = await files.insertFileWithinQuota(newFile, quota.quotaBytes);
      if (!file) throw quota.exceeded();
      request.log.info({ fileId: file.id, kind: file.kind, mimeType: file.mimeType, size: file.size }, 'file uploaded');
      return reply.status(201).send({ file: info(file) });
    } catch (error) {
      await storage.remove(storageKey);
      throw error;
    }
  });

  // Anyone but the uploader gets the same 404 as for a file that does not exist.
  route(contract.delete, async ({ actor, params, request }) => {
    const file = await files.findFile(params.id);
    if (!file || file.uploaderId !== actor.userId) throw new HeraldError(ErrorCode.NotFound, 'file not found');
    const deleted = await files.deleteUnattachedFile(file.id);
    if (!deleted) {
      if (await files.isAttached(file.id)) {
        throw new HeraldError(ErrorCode.Conflict, 'a message carries this file, or it is your avatar; it stays as long as either does', {
          fileId: file.id,
        });
      }
      throw new HeraldError(ErrorCode.NotFound, 'file not found');
    }
    // The row is gone first, so no reader can find a file whose bytes are missing.
    await storage.remove(deleted.storageKey);
    request.log.info({ fileId: deleted.id, size: deleted.size }, 'file deleted by its uploader');
    return { status: 204 };
  });

  route(contract.info, async ({ actor, params }) => ({ status: 200, body: { file: info(await readable(params.id, actor.userId)) } }));

  route(contract.link, async ({ actor, params }) => {
    const file = await readable(params.id, actor.userId);
    return { status: 200, body: links.sign(file.id, actor.userId) };
  });

  // The downloading user comes from a signed link when the query has one, else from the Bearer token.
  route(contract.download, { queryLabel: 'download link' }, async ({ params: { id }, query: link, request, reply }) => {
    const file = await readable(id, link ? links.verify(id, link) : (await authenticate(request)).userId);
    const range = parseRange(request.headers.range, file.size);
    reply.header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff');
    if (range.kind === 'unsatisfiable') {
      return reply
        .status(416)
        .header('content-range', `bytes */${file.size}`)
        .send({ error: { code: ErrorCode.BadRequest, message: `range not satisfiable for a file of ${file.size} bytes` } });
    }
    const partial = range.kind === 'partial' ? range : undefined;
    // Always a bounded read: the stream ends right after its last byte, without waiting for an EOF
    // read, so the response is finished by the time the client has it (a keep-alive socket is idle,
    // and a graceful close is not held up by it).
    const body = await storage.open(file.storageKey, partial ?? { start: 0, end: file.size - 1 });
    const textual = file.mimeType.startsWith('text/');
    reply
      .header('content-type', textual ? `${file.mimeType}; charset=utf-8` : file.mimeType)
      .header('content-disposition', contentDisposition(isInlineKind(file.kind) ? 'inline' : 'attachment', file.name))
      .header('cache-control', 'private, max-age=600')
      .header('content-length', partial ? partial.end - partial.start + 1 : file.size);
    if (partial) reply.status(206).header('content-range', `bytes ${partial.start}-${partial.end}/${file.size}`);
    return reply.send(body);
  });
}
