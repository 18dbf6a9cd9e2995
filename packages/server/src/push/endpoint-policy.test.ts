import { HeraldError } from '@herald/protocol';
import { expect, it } from 'vitest';
import { checkPushEndpoint } from './endpoint-policy.js';

const production = { hosts: ['fcm.googleapis.com', 'push.apple.com'], allowInsecureLoopback: false };
const tests = { ...production, allowInsecureLoopback: true };

const refusal = (endpoint: string, options = production) => {
  try {
    checkPushEndpoint(endpoint, options);
  } catch (error) {
    expect(error).toBeInstanceOf(HeraldError);
    return (error as HeraldError).code;
  }
  return 'accepted';
};

it('accepts https endpoints on a push service host or its subdomains', () => {
  expect(checkPushEndpoint('https://fcm.googleapis.com/fcm/send/abc', production)).toBe('https://fcm.googleapis.com/fcm/send/abc');
  expect(refusal('https://web.push.apple.com/QGx')).toBe('accepted');
  expect(refusal('https://FCM.googleapis.com/x')).toBe('accepted'); // hosts are case-insensitive
});

it('refuses everything else as bad_request (SSRF)', () => {
  for (const endpoint of [
    'https://evil.example/x',
    'https://fcm.googleapis.com.evil.example/x',
    'https://evil-fcm.googleapis.com/x', // a sibling under googleapis.com, not a subdomain of the push host
    'https://notfcm.googleapis.com.example/x',
    'http://fcm.googleapis.com/x',
    'https://fcm.googleapis.com:444/x',
    'https://u:p@fcm.googleapis.com/x',
    'https://10.0.0.1/x',
    'https://[::1]/x',
    'http://127.0.0.1:9000/push',
    'ftp://fcm.googleapis.com/x',
    'nonsense',
  ]) {
    expect(refusal(endpoint), endpoint).toBe('bad_request');
  }
});

it('accepts loopback http only when tests allow it, and nothing else insecure even then', () => {
  expect(refusal('http://127.0.0.1:9000/push/1', tests)).toBe('accepted');
  expect(refusal('http://[::1]:9000/push/1', tests)).toBe('accepted');
  expect(refusal('http://localhost:9000/push/1', tests)).toBe('bad_request');
  expect(refusal('http://10.0.0.1/push/1', tests)).toBe('bad_request');
  expect(refusal('http://127.0.0.2/push/1', tests)).toBe('bad_request');
});
