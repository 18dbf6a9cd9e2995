import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { resolveVapidKeys } from './vapid-keys.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-vapid-'));
  dirs.push(dir);
  return dir;
};
const none = { publicKey: undefined, privateKey: undefined, subject: 'mailto:ops@example.test' };

it('generates keys into the data dir once (mode 0600) and reads the same ones on the next start', () => {
  const dir = join(tempDir(), 'nested');
  const first = resolveVapidKeys(none, dir);
  expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
  expect(first.subject).toBe('mailto:ops@example.test');
  const file = join(dir, 'vapid.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey });
  expect(resolveVapidKeys(none, dir)).toEqual(first);
});

it('prefers the configured pair and writes nothing', () => {
  const dir = tempDir();
  const keys = resolveVapidKeys({ publicKey: 'P'.repeat(87), privateKey: 'k'.repeat(43), subject: 'https://example.test' }, dir);
  expect(keys).toEqual({ publicKey: 'P'.repeat(87), privateKey: 'k'.repeat(43), subject: 'https://example.test' });
  expect(() => statSync(join(dir, 'vapid.json'))).toThrow();
});

it('config: the pair goes together, insecure endpoints never in production, the subject is a contact', () => {
  expect(() => loadConfig({ HERALD_VAPID_PUBLIC_KEY: 'P'.repeat(87) })).toThrow(ConfigError);
  expect(() =>
    loadConfig({ NODE_ENV: 'production', HERALD_JWT_SECRET: 'x'.repeat(40), HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS: 'true' }),
  ).toThrow(/HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS/);
  expect(() => loadConfig({ HERALD_VAPID_SUBJECT: 'ops@example.test' })).toThrow(/HERALD_VAPID_SUBJECT/);
  const config = loadConfig({ HERALD_PUSH_ENDPOINT_HOSTS: 'push.example.test, Other.Example.test' });
  expect(config.push.endpointHosts).toEqual(['push.example.test', 'other.example.test']);
  expect(loadConfig({}).push).toMatchObject({
    allowInsecureEndpoints: false,
    collapseMs: 2000,
    endpointHosts: expect.arrayContaining(['fcm.googleapis.com']),
  });
});
