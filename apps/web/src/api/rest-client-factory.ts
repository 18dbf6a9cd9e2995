/**
 * The real REST client's constructor, alone in a module that `services.ts` imports on demand (see
 * lazy-rest-client.ts). Why a module of its own rather than `import('@herald/protocol')`: with the
 * package's index as the dynamic entry, the bundler put the error codes and HeraldError (which the
 * login path needs) into that lazy chunk, and the entry then imported the whole chunk, zod included.
 */
export { createRestClient } from '@herald/protocol';
