import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { clientIpOf, parseTrustProxy } from './client-ip.js';

/** A raw request as the WebSocket upgrade sees it: a peer address and maybe an X-Forwarded-For. */
function upgrade(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  } as unknown as IncomingMessage;
}

describe('HERALD_TRUST_PROXY', () => {
  it('parses off, on, a hop count and lists of addresses, CIDRs and names', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.1, 192.168.0.0/16,loopback, fd00::/8')).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback', 'fd00::/8']);
    for (const bad of ['yes', '10.0.0.300', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,,nope'])
      expect(parseTrustProxy(bad)).toBeUndefined();
  });

  it('stops the start on a value Fastify would not understand, naming the variable', () => {
    expect(() => loadConfig({ HERALD_TRUST_PROXY: 'lb.internal' })).toThrow(ConfigError);
    expect(() => loadConfig({ HERALD_TRUST_PROXY: 'lb.internal' })).toThrow(/HERALD_TRUST_PROXY/);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ HERALD_TRUST_PROXY: '127.0.0.1/8' }).trustProxy).toEqual(['127.0.0.1/8']);
  });

  it('gives raw requests (the WebSocket upgrade) the same client address Fastify gives request.ip', () => {
    const chain = '198.51.100.9, 10.0.0.5';
    expect(clientIpOf(false)(upgrade('10.0.0.1', chain))).toBe('10.0.0.1');
    expect(clientIpOf(true)(upgrade('10.0.0.1', chain))).toBe('198.51.100.9');
    // One hop: only the peer is a proxy; the address it saw connect is the client.
    expect(clientIpOf(1)(upgrade('10.0.0.1', chain))).toBe('10.0.0.5');
    expect(clientIpOf(['10.0.0.0/8'])(upgrade('10.0.0.1', chain))).toBe('198.51.100.9');
    // A peer outside the trusted list is the client, whatever it forwards.
    expect(clientIpOf(['10.0.0.0/8'])(upgrade('203.0.113.4', chain))).toBe('203.0.113.4');
  });
});
