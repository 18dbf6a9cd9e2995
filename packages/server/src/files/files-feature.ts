/**
 * The files feature: uploads stored on local disk under `<dataDir>/uploads`, received through
 * `<dataDir>/uploads/.incoming` (same filesystem, so a finished upload is moved, not copied), and
 * downloads by Bearer token or signed link. Attachment checks for messages live in
 * attachment-check.ts and run inside MessageService.send.
 */
import { join } from 'node:path';
import { resolveJwtSecret } from '../auth/tokens.js';
import type { FeatureFactory } from '../feature.js';
import { FileLinks } from './file-links.js';
import { fileRoutes } from './file-routes.js';
import { DEFAULT_ALLOWED_TYPES } from './file-types.js';
import { LocalFileStorage } from './local-file-storage.js';

export const filesFeature: FeatureFactory = (context) => {
  const { config } = context;
  const root = join(config.dataDir, 'uploads');
  const storage = new LocalFileStorage(root);
  const links = new FileLinks(resolveJwtSecret(config.jwtSecret, config.dataDir), config.uploads.linkTtlSeconds);
  const policy = { maxBytes: config.uploads.maxBytes, allowedTypes: config.uploads.allowedTypes ?? DEFAULT_ALLOWED_TYPES };
  return {
    name: 'files',
    routes: (app) =>
      fileRoutes(app, {
        store: context.store,
        storage,
        links,
        authenticate: context.authenticate,
        policy,
        tempDir: join(root, '.incoming'),
      }),
  };
};
