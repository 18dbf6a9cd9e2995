/**
 * receiveUpload: streams one uploaded file into a temp file while counting its bytes, and decides
 * from the content what it is.
 * Invariants: the byte count is checked on every chunk against the tightest limit known so far
 * (the limit of the kind its first bytes reveal), so a too-large upload stops early; the final
 * type comes from the whole stored file, never from the client's name or claimed type; on any
 * refusal or failure the temp file is deleted, so nothing of it stays on disk.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ErrorCode, HeraldError } from '@herald/protocol';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { imageSizeFromFile } from 'image-size/fromFile';
import { classify, type DetectedType, type FileKind, isAllowed, isProvisional, type MagicResult, TextSniffer } from './file-types.js';
import { webmIsAudioOnly } from './webm-tracks.js';

/** How many first bytes decide the provisional type (and so the size limit). */
const HEAD_BYTES = 64 * 1024;
/** How much of a WebM file is read to find its track headers. */
const WEBM_HEAD_BYTES = 256 * 1024;

export interface UploadPolicy {
  maxBytes: Record<FileKind, number>;
  /** MIME patterns (`type/subtype` or `type/*`). */
  allowedTypes: readonly string[];
}

export interface ReceivedUpload {
  tempPath: string;
  size: number;
  type: DetectedType;
  width: number | null;
  height: number | null;
}

/** A refusal the route answers with its own HTTP status (413 `too_big`, 415 `bad_request`). */
export class UploadRefusedError extends HeraldError {
  constructor(
    override readonly status: 413 | 415,
    message: string,
    details?: unknown,
  ) {
    super(status === 413 ? ErrorCode.TooBig : ErrorCode.BadRequest, message, details);
  }
}

/** The largest upload of any kind: the hard cap before anything is known about a file. */
export function largestLimit(policy: UploadPolicy): number {
  return Math.max(...Object.values(policy.maxBytes));
}

function tooBig(kind: FileKind | undefined, limit: number): UploadRefusedError {
  const what = kind ? `${kind} files` : 'uploads';
  return new UploadRefusedError(413, `${what} may be at most ${limit} bytes`, { limit, ...(kind ? { kind } : {}) });
}

function unsupported(mimeType: string | undefined): UploadRefusedError {
  const what = mimeType ? `files of type ${mimeType} are not accepted` : 'the file is not of a recognised type';
  return new UploadRefusedError(415, what, { detectedType: mimeType ?? null });
}

interface Limit {
  bytes: number;
  kind?: FileKind;
}

/** The size limit implied by a file's first bytes; throws at once for a definitely disallowed type. */
function limitFromHead(magic: MagicResult | undefined, fileName: string, policy: UploadPolicy): Limit {
  if (magic?.mime === 'video/webm') return { bytes: Math.max(policy.maxBytes.audio, policy.maxBytes.video) };
  // No signature (maybe text) or a zip (maybe OOXML): a document, if anything.
  if (isProvisional(magic)) return { bytes: policy.maxBytes.document, kind: 'document' };
  const type = classify(magic, false, fileName);
  if (!type || !isAllowed(type.mimeType, policy.allowedTypes)) throw unsupported(type?.mimeType);
  return { bytes: policy.maxBytes[type.kind], kind: type.kind };
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Read the upload's bytes from `source` (errors from it count as the client's). */
async function* chunksOf(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 413) throw new UploadRefusedError(413, 'upload too large');
    throw new HeraldError(ErrorCode.BadRequest, `upload interrupted: ${(error as Error).message}`);
  }
}

async function writeToTemp(
  source: AsyncIterable<Buffer>,
  tempPath: string,
  fileName: string,
  policy: UploadPolicy,
  onProgress: ((size: number) => void) | undefined,
) {
  const out = createWriteStream(tempPath, { flags: 'wx' });
  const outFailed = new Promise<never>((_, reject) => out.once('error', reject));
  outFailed.catch(() => {});
  const sniffer = new TextSniffer();
  let sniffing = true;
  const head: Buffer[] = [];
  let size = 0;
  const cap: Limit = { bytes: largestLimit(policy) };
  let limit: Limit | undefined;
  const decide = async () => {
    const magic = await fileTypeFromBuffer(Buffer.concat(head));
    if (magic) sniffing = false;
    return limitFromHead(magic, fileName, policy);
  };
  try {
    for await (const chunk of chunksOf(source)) {
      size += chunk.length;
      if (limit === undefined) {
        head.push(chunk);
        if (size >= HEAD_BYTES) limit = await decide();
      }
      const current = limit ?? cap;
      if (size > current.bytes) throw tooBig(current.kind, current.bytes);
      onProgress?.(size);
      if (sniffing) sniffer.push(chunk);
      if (!out.write(chunk)) await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), outFailed]);
    }
    limit ??= await decide();
    if (size > limit.bytes) throw tooBig(limit.kind, limit.bytes);
    out.end();
    await finished(out);
  } finally {
    // Wait for the descriptor to close, so a refused file cannot be (re)created after its removal.
    if (!out.closed) {
      const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
      if (!out.writableFinished) out.destroy();
      await closed;
    }
  }
  return { size, isText: sniffing && sniffer.end() };
}

/**
 * Receive one file into `tempDir`; the caller owns the returned temp file. `onProgress` sees the
 * running size after every chunk and may throw to refuse the upload there (the upload quota does).
 */
export async function receiveUpload(
  source: AsyncIterable<Buffer>,
  fileName: string,
  tempDir: string,
  policy: UploadPolicy,
  onProgress?: (size: number) => void,
): Promise<ReceivedUpload> {
  await mkdir(tempDir, { recursive: true });
  const tempPath = join(tempDir, `${randomUUID()}.part`);
  try {
    const { size, isText } = await writeToTemp(source, tempPath, fileName, policy, onProgress);
    if (size === 0) throw new HeraldError(ErrorCode.BadRequest, 'the file is empty');
    const magic = await fileTypeFromFile(tempPath);
    const audioOnly = magic?.mime === 'video/webm' && webmIsAudioOnly(await readHead(tempPath, WEBM_HEAD_BYTES));
    const type = classify(magic, magic === undefined && isText, fileName, audioOnly);
    if (!type || !isAllowed(type.mimeType, policy.allowedTypes)) throw unsupported(type?.mimeType ?? magic?.mime);
    if (size > policy.maxBytes[type.kind]) throw tooBig(type.kind, policy.maxBytes[type.kind]);
    const { width, height } = type.kind === 'image' ? await dimensionsOf(tempPath, type.mimeType) : { width: null, height: null };
    return { tempPath, size, type, width, height };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

/** Display width and height (EXIF rotations of 90° swap them); an unreadable image is refused. */
async function dimensionsOf(path: string, mimeType: string): Promise<{ width: number; height: number }> {
  try {
    const size = await imageSizeFromFile(path);
    if (!size.width || !size.height) throw new Error('no dimensions');
    const turned = size.orientation !== undefined && size.orientation >= 5;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    throw new UploadRefusedError(415, `the file is not a readable ${mimeType} image`, { detectedType: mimeType });
  }
}

/** Delete `.part` files older than `maxAgeMs` that a crash mid-upload left in `tempDir`; returns how many. */
export async function removeStaleUploads(tempDir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  const names = await readdir(tempDir).catch(() => []);
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const path = join(tempDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
