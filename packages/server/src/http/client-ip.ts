/**
 * Which address a request comes from, behind a load balancer or not (HERALD_TRUST_PROXY).
 * Fastify applies the same setting to `request.ip` (its `trustProxy` option); `clientIpOf` gives
 * the same answer for requests Fastify never sees, such as the WebSocket upgrade, so every per-IP
 * limit counts the same address. With trust off (the default) `X-Forwarded-For` is ignored: any
 * client could write it.
 * Invariant: parseTrustProxy accepts exactly what Fastify's `trustProxy` does for strings
 * (`true`/`false`, a hop count, a comma-separated list of addresses, CIDRs or proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`) and refuses anything else, so a typo stops the start.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/** Fastify's `trustProxy` value: off, every hop, the last N hops, or these proxies. */
export type TrustProxy = boolean | number | string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMES.has(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  // A prefix length, or (IPv4) a dotted netmask, as proxy-addr accepts.
  if (/^\d+$/.test(bits)) return Number(bits) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(bits) === 4;
}

/** The setting from HERALD_TRUST_PROXY's text; undefined when it is not one of the accepted forms. */
export function parseTrustProxy(text: string): TrustProxy | undefined {
  const value = text.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length > 0 && entries.every(isAddressOrRange) ? entries : undefined;
}

/** Which hops to trust (hop 0 is the socket's peer), or false; what app.ts gives Fastify as `trustProxy`. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The setting as Fastify's `trustProxy` option. A hop count becomes a function because Fastify 5
 * ignores a bare number now (it cannot tell a proxy from a direct client); with it, the N nearest
 * hops are trusted whoever they are, so use a count only when the nodes are reachable through the
 * load balancer alone (docs/deploy.md).
 */
export function trustProxyOption(trust: TrustProxy): false | TrustFunction {
  if (trust === false || trust === 0) return false;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** A function giving a raw request's client address under `trust`, the same as Fastify's `request.ip` (e.g. for the WebSocket upgrade). */
export function clientIpOf(trust: TrustProxy): (request: IncomingMessage) => string {
  const trusted = trustProxyOption(trust);
  return (request) => (trusted ? proxyAddr(request, trusted) : (request.socket.remoteAddress ?? ''));
}
