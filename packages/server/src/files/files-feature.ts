/**
 * The files feature: uploads stored on local disk under `<dataDir>/uploads`, received through
 * `<dataDir>/uploads/.incoming` (same filesystem, so a finished upload is moved, not copied;
 * leftovers of a crash are swept at start), and downloads by Bearer token or signed link.
 * Attachment checks for messages live in attachment-check.ts and run inside MessageService.send.
 */
import { join } from 'node:path';
import { resolveJwtSecret } from '../auth/tokens.js';
import type { FeatureFactory } from '../feature.js';
import { FileLinks } from './file-links.js';
import { fileRoutes } from './file-routes.js';
import { DEFAULT_ALLOWED_TYPES } from './file-types.js';
import { LocalFileStorage } from './local-file-storage.js';
import { removeStaleUploads } from './upload-receiver.js';

/** Temp files older than this are leftovers of a crash (no upload stays open that long). */
const STALE_UPLOAD_MS = 6 * 3600_000;

export const filesFeature: FeatureFactory = (context) => {
  const { config } = context;
  const root = join(config.dataDir, 'uploads');
  const tempDir = join(root, '.incoming');
  const storage = new LocalFileStorage(root);
  const links = new FileLinks(resolveJwtSecret(config.jwtSecret, config.dataDir), config.uploads.linkTtlSeconds);
  const policy = { maxBytes: config.uploads.maxBytes, allowedTypes: config.uploads.allowedTypes ?? DEFAULT_ALLOWED_TYPES };
  return {
    name: 'files',
    async routes(app) {
      const removed = await removeStaleUploads(tempDir, STALE_UPLOAD_MS);
      if (removed > 0) context.log.info({ removed }, 'removed unfinished uploads left by an earlier run');
      await fileRoutes(app, {
        store: context.store,
        storage,
        links,
        authenticate: context.authenticate,
        policy,
        tempDir,
      });
    },
  };
};
