/**
 * Keeps README honest: every environment variable the server reads is in its configuration table.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ENV_DOCS } from '../src/config.js';

it('documents every configuration variable in README.md', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const missing = Object.keys(ENV_DOCS).filter((name) => !readme.includes(`| \`${name}\` |`));
  expect(missing).toEqual([]);
});
