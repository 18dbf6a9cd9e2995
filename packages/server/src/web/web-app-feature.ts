/**
 * Serves the built web app (apps/web/dist) from the same origin as the API, so `npm start` is the
 * whole product on one port. Unknown GET paths that are not API, socket or metrics paths get
 * index.html (client-side routing). When no build exists, `/` says how to make one.
 * Text files go out as the build's brotli or gzip copies (`preCompressed`: `.br`/`.gz` beside each, see
 * apps/web/build/precompress.ts) when the browser accepts them, the file itself otherwise.
 * Source maps (`*.map`) are never served in production: the build writes them (hidden: the bundle
 * does not name them) for the operator, but they would hand anyone the app's original source.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { ErrorCode, restContract } from '@herald/protocol';
import type { Feature } from '../feature.js';
import { contractRoutes } from '../http/contract-routes.js';

const API_PREFIXES = ['/api/', '/ws', '/metrics'];

export interface WebAppOptions {
  /** The built web app (its index.html and assets). */
  webDir: string;
  /** Serve `*.map` files (development and tests); false in production. */
  serveSourceMaps: boolean;
}

export function webAppFeature({ webDir: root, serveSourceMaps }: WebAppOptions): Feature {
  return {
    name: 'web-app',
    async routes(app) {
      if (!existsSync(join(root, 'index.html'))) {
        app.get('/', async (_request, reply) =>
          reply.type('text/plain').send('Herald API is running. The web app is not built: run `npm run build` (or `npm start`).\n'),
        );
        return;
      }
      await app.register(fastifyStatic, {
        root,
        wildcard: false,
        index: ['index.html'],
        cacheControl: false,
        preCompressed: true,
        // A refused path answers like any unknown path (the JSON 404).
        allowedPath: (path) => serveSourceMaps || !path.endsWith('.map'),
      });
      // Hashed assets can be cached for good; index.html must always be revalidated.
      app.addHook('onSend', async (request, reply, payload) => {
        if (request.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
        return payload;
      });
      contractRoutes(app).raw(restContract.web.app, {}, async (request, reply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) {
          return reply.status(404).send({ error: { code: ErrorCode.NotFound, message: `no route GET ${path}` } });
        }
        reply.header('cache-control', 'no-cache');
        return reply.sendFile('index.html');
      });
    },
  };
}
