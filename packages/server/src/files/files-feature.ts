/**
 * The files feature: uploads stored on local disk under `<dataDir>/uploads`, received through
 * `<dataDir>/uploads/.incoming` (same filesystem, so a finished upload is moved, not copied;
 * leftovers of a crash are swept at start), and downloads by Bearer token or signed link. Each
 * user's stored uploads are capped by a quota (upload-quota.ts), and uploads no message carried
 * within HERALD_UPLOAD_UNATTACHED_TTL are swept every min(ttl/4, 10 min) (unattached-upload-sweep.ts).
 * Attachment checks for messages live in attachment-check.ts and run inside MessageService.send.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HeraldConfig } from '../config.js';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import type { Metrics } from '../metrics.js';
import { PeriodicTask, sweepIntervalFor } from '../util/periodic-task.js';
import { FileLinks } from './file-links.js';
import type { FileRepository } from './file-repository.js';
import { fileRoutes } from './file-routes.js';
import type { FileStorage } from './file-storage.js';
import { DEFAULT_ALLOWED_TYPES } from './file-types.js';
import { LocalFileStorage } from './local-file-storage.js';
import { sweepUnattachedUploads } from './unattached-upload-sweep.js';
import { UploadQuota } from './upload-quota.js';
import { removeStaleUploads } from './upload-receiver.js';

/** Temp files older than this are leftovers of a crash (no upload stays open that long). */
const STALE_UPLOAD_MS = 6 * 3600_000;

export interface FilesFeatureDeps {
  files: FileRepository;
  authenticate: Authenticator;
  log: Logger;
  /** Uploads live under `<dataDir>/uploads`. */
  dataDir: string;
  /** Signs download links (the server's token secret). */
  secret: string;
  uploads: HeraldConfig['uploads'];
  metrics: Pick<Metrics, 'limitRejections'>;
}

/** Where uploads' bytes live under the data dir (the files feature and whoever removes a file use the same). */
export function uploadStorage(dataDir: string): LocalFileStorage {
  return new LocalFileStorage(join(dataDir, 'uploads'));
}

/** Delete a file no message carries any more: its row, then its bytes (a no-op when it is attached again or gone). */
export async function releaseFile(
  files: Pick<FileRepository, 'deleteUnattachedFile'>,
  storage: FileStorage,
  fileId: string,
): Promise<void> {
  const deleted = await files.deleteUnattachedFile(fileId);
  if (deleted) await storage.remove(deleted.storageKey);
}

export function filesFeature(deps: FilesFeatureDeps): Feature {
  const { uploads } = deps;
  const root = join(deps.dataDir, 'uploads');
  const tempDir = join(root, '.incoming');
  const storage = uploadStorage(deps.dataDir);
  const links = new FileLinks(deps.secret, uploads.linkTtlSeconds);
  const policy = { maxBytes: uploads.maxBytes, allowedTypes: uploads.allowedTypes ?? DEFAULT_ALLOWED_TYPES };
  const quota = new UploadQuota(deps.files, uploads.quotaBytes, deps.metrics);
  const sweep = new PeriodicTask(
    () => sweepUnattachedUploads({ files: deps.files, storage, ttlMs: uploads.unattachedTtlMs, log: deps.log }),
    sweepIntervalFor(uploads.unattachedTtlMs),
    (error) => deps.log.warn({ err: error }, 'unattached upload sweep failed; the next run retries'),
  );
  return {
    name: 'files',
    async routes(app) {
      const removed = await removeStaleUploads(tempDir, STALE_UPLOAD_MS);
      if (removed > 0) deps.log.info({ removed }, 'removed unfinished uploads left by an earlier run');
      await fileRoutes(app, {
        files: deps.files,
        storage,
        links,
        authenticate: deps.authenticate,
        policy,
        quota,
        tempDir,
      });
      sweep.start();
    },
    close: () => sweep.stop(),
  };
}
