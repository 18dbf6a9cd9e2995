/**
 * Bundle the client for a browser page (and for size checks) with Vite's build API, straight from
 * the TypeScript sources; nothing is written to disk.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { build } from 'vite';

const packages = fileURLToPath(new URL('../../', import.meta.url));

export interface BundleOptions {
  minify?: boolean;
  /** Leave @herald/protocol (and zod) out, to measure the client's own code. */
  externalProtocol?: boolean;
  /** The entry, relative to packages/client/src (default `index.ts`; `shared/index.ts` is `@herald/client/shared`). */
  entry?: string;
}

/** One ESM file exporting everything `@herald/client` exports. */
export async function bundleClient(options: BundleOptions = {}): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: { '@herald/protocol': `${packages}protocol/src/index.ts` } },
    build: {
      write: false,
      minify: options.minify ?? false,
      target: 'es2022',
      lib: { entry: `${packages}client/src/${options.entry ?? 'index.ts'}`, formats: ['es'], fileName: 'herald-client' },
      rollupOptions: { external: options.externalProtocol ? [/^@herald\/protocol/, /^zod/] : [] },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if ('output' in output) {
      const chunk = output.output.find((o) => o.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('vite produced no chunk');
}

/**
 * The client bundled as the issue measures it, with esbuild (`--bundle --minify --format=esm
 * --platform=browser`), from the TypeScript sources, protocol included.
 */
export async function bundleClientWithEsbuild(entry = 'index.ts'): Promise<string> {
  const result = await esbuild({
    entryPoints: [`${packages}client/src/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    alias: { '@herald/protocol': `${packages}protocol/src/index.ts` },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no file');
  return file.text;
}

/**
 * The client as a Vite app build ships it (not lib mode, which keeps whitespace in ES output): one
 * minified chunk with the entry's exports, protocol included.
 */
export async function bundleClientAsViteApp(entry = 'index.ts'): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: packages,
    resolve: { alias: { '@herald/protocol': `${packages}protocol/src/index.ts` } },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: `${packages}client/src/${entry}`, preserveEntrySignatures: 'strict' },
    },
  });
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output)) continue;
    const chunks = output.output.filter((o) => o.type === 'chunk');
    if (chunks.length === 1 && chunks[0]?.type === 'chunk') return chunks[0].code;
    throw new Error(`vite made ${chunks.length} chunks, expected one`);
  }
  throw new Error('vite produced no chunk');
}

/** Minified and gzipped size in bytes. */
export function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}
