/**
 * Which push endpoints the server will POST to. A subscription's endpoint comes from a user, so
 * without this check any user could make the server send requests to internal addresses (SSRF).
 * Invariants: only `https:` URLs on the default port whose host is one of the configured push
 * services (or a subdomain of one), with no credentials in the URL; IP literals never match a
 * host name. The one exception, for tests only and refused in production by config.ts: `http:` on
 * 127.0.0.1 or [::1] (a local push service).
 */
import { ErrorCode, HeraldError } from '@herald/protocol';

export interface EndpointPolicyOptions {
  /** Push service hosts; an endpoint's host must equal one or end with `.` + one. */
  hosts: readonly string[];
  /** Tests only: accept http:// on loopback addresses too. */
  allowInsecureLoopback: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

/** Throws `bad_request` unless the server may push to `endpoint`; returns it normalised. */
export function checkPushEndpoint(endpoint: string, options: EndpointPolicyOptions): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw refused('the endpoint is not a URL');
  }
  if (url.username || url.password) throw refused('the endpoint must not carry credentials');
  if (url.protocol === 'http:' && options.allowInsecureLoopback && LOOPBACK.has(url.hostname)) return url.href;
  if (url.protocol !== 'https:') throw refused('the endpoint must be an https:// URL');
  if (url.port !== '') throw refused('the endpoint must use the default https port');
  const host = url.hostname.toLowerCase();
  if (!options.hosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))) {
    throw refused('the endpoint is not on a known push service');
  }
  return url.href;
}

function refused(reason: string): HeraldError {
  return new HeraldError(ErrorCode.BadRequest, reason, { field: 'endpoint' });
}
