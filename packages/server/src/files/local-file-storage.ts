/**
 * LocalFileStorage: FileStorage on the local disk, under `<root>/<2 hex>/<32 hex>`.
 * Invariants: keys are 128 random bits in hex, never derived from a client's name, and are
 * validated before they touch a path; a saved file appears whole (rename) or not at all.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { ByteRange, FileStorage } from './file-storage.js';

const KEY = /^[0-9a-f]{32}$/;

export class LocalFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async save(tempPath: string): Promise<string> {
    const key = randomBytes(16).toString('hex');
    const target = this.pathOf(key);
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
    try {
      await rename(tempPath, target);
    } catch (error) {
      // The temp file is on another filesystem: copy, then drop the temp file.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(tempPath, target);
      await rm(tempPath, { force: true });
    }
    return key;
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new HeraldError(ErrorCode.NotFound, 'file content is missing') : error),
      );
    });
    return stream;
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new HeraldError(ErrorCode.Internal, 'malformed storage key');
    return join(this.root, key.slice(0, 2), key);
  }
}
