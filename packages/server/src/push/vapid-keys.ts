/**
 * VAPID keys: the application server's identity towards push services. Taken from the environment
 * (HERALD_VAPID_PUBLIC_KEY / HERALD_VAPID_PRIVATE_KEY, which every node of a cluster must share),
 * else generated once into `<data dir>/vapid.json` (mode 0600) and read back on every later start.
 * Invariant: the keys never change under existing subscriptions unless the operator changes them
 * (a browser subscribed with one public key cannot be reached with another).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** A `mailto:` or `https:` contact the push service may use to reach the operator. */
  subject: string;
}

export interface VapidConfig {
  publicKey: string | undefined;
  privateKey: string | undefined;
  subject: string;
}

/** The configured keys, else those in the data dir, else new ones written there. */
export function resolveVapidKeys(config: VapidConfig, dataDir: string): VapidKeys {
  if (config.publicKey && config.privateKey) return { publicKey: config.publicKey, privateKey: config.privateKey, subject: config.subject };
  const file = join(dataDir, 'vapid.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const keys = webpush.generateVAPIDKeys();
    try {
      // 'wx': two processes starting on one data dir at once keep the first one's keys.
      writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>;
  if (typeof stored.publicKey !== 'string' || typeof stored.privateKey !== 'string') {
    throw new Error(`${file} holds no VAPID keys; remove it to generate new ones (existing push subscriptions then stop working)`);
  }
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject: config.subject };
}
