/**
 * lazyRestClient: a RestClient usable at once whose implementation loads on the first call. The
 * real client (`createRestClient`) is built from the REST contract, zod schemas and all (~30 KB
 * gzipped), which /login does not need (its auth calls go through `auth/auth-api.ts`); every other
 * caller lives in the signed-in shell, whose chunk imports the same code, so by the time a page
 * calls, the module is usually loaded already.
 * How: `client.<group>.<route>(args)` is answered by a Proxy that waits for the loaded client and
 * calls the same route on it, so callers and types are those of the real client.
 * Invariants: the client is loaded once (a failed load is retried on the next call); a failed load
 * rejects the call with the REST client's "no answer" error (`disconnected`, status 0); `then` and
 * symbols read as undefined, so the client is never mistaken for a promise.
 */
import type { RestClient } from '@herald/protocol';
import { ErrorCode, HeraldError } from '@herald/protocol';

type AnyCall = (args?: unknown) => Promise<unknown>;
type AnyClient = Record<string, Record<string, AnyCall>>;

/** A RestClient whose calls wait for `load()` (called on the first call, and again only after a failure). */
export function lazyRestClient(load: () => Promise<RestClient>): RestClient {
  let loading: Promise<AnyClient> | null = null;
  const loaded = (): Promise<AnyClient> => {
    loading ??= load().then(
      (client) => client as unknown as AnyClient,
      (cause: unknown) => {
        loading = null; // the next call tries again (e.g. back online after a deploy)
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new HeraldError(ErrorCode.Disconnected, `the REST client did not load: ${message}`, undefined, { status: 0, cause });
      },
    );
    return loading;
  };
  const groups = new Map<string, AnyClient[string]>();
  const group = (groupName: string): AnyClient[string] => {
    let calls = groups.get(groupName);
    if (!calls) {
      calls = new Proxy({} as AnyClient[string], {
        get: (_target, route) =>
          typeof route !== 'string' || route === 'then'
            ? undefined
            : (args?: unknown) =>
                loaded().then((client) => {
                  const call = client[groupName]?.[route];
                  if (!call) throw new TypeError(`no REST route ${groupName}.${route}`);
                  return call(args);
                }),
      });
      groups.set(groupName, calls);
    }
    return calls;
  };
  const client = new Proxy({} as AnyClient, {
    get: (_target, name) => (typeof name !== 'string' || name === 'then' ? undefined : group(name)),
  });
  return client as unknown as RestClient;
}
