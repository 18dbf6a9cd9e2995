import { describe, expect, it } from 'vitest';
import './zod-without-eval';

describe('zod-without-eval', () => {
  it('sets jitless on the object zod reads its configuration from, without importing zod', async () => {
    const { config } = await import('zod');
    expect(config()).toBe(globalThis.__zod_globalConfig);
    expect(config().jitless).toBe(true);
  });
});
