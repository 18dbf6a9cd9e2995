/**
 * sweepUnattachedUploads: deletes uploads that no message carried within their grace period
 * (HERALD_UPLOAD_UNATTACHED_TTL), row first and then bytes, so they stop counting against their
 * uploader's quota and stop taking disk.
 * Invariants: only files older than the grace period and carried by no message are deleted (an
 * attachment that arrives at the last moment is refused by attachment-check.ts, which stops
 * accepting an unattached upload a safety margin before its grace ends); several nodes may sweep at
 * once: each file's row is deleted by exactly one of them (`deleteUnattachedFile` returns it to one
 * caller only), and only that one removes the bytes and counts it. A run does at most `maxBatches`
 * batches, so one run never holds the database for long; the rest waits for the next run.
 */
import type { Logger } from 'pino';
import type { FileRepository } from './file-repository.js';
import type { FileStorage } from './file-storage.js';

const BATCH = 100;

export interface UnattachedSweepDeps {
  files: FileRepository;
  storage: FileStorage;
  ttlMs: number;
  log: Logger;
  maxBatches?: number;
}

/** One sweep; resolves with how many files this node deleted. */
export async function sweepUnattachedUploads(deps: UnattachedSweepDeps, now = Date.now()): Promise<number> {
  const { files, storage, log } = deps;
  let deleted = 0;
  for (let batch = 0; batch < (deps.maxBatches ?? 20); batch++) {
    const candidates = await files.unattachedFilesBefore(now - deps.ttlMs, BATCH);
    for (const candidate of candidates) {
      const file = await files.deleteUnattachedFile(candidate.id);
      if (!file) continue; // attached meanwhile, or another node got it first
      deleted++;
      await storage.remove(file.storageKey).catch((error: unknown) => {
        log.warn({ err: error, fileId: file.id }, 'could not remove the bytes of a swept upload');
      });
    }
    if (candidates.length < BATCH) break;
  }
  if (deleted > 0) log.info({ deleted }, 'deleted uploads never attached to a message');
  return deleted;
}
