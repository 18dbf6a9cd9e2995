/**
 * Keeps docs/protocol.md honest: every action, error code and close code of the schemas is documented.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ClientFrameSchema } from './client-frames.js';
import { CloseCode, ErrorCode } from './codes.js';
import { ServerFrameSchema } from './server-frames.js';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const actionOf = (schema: unknown) => (schema as { shape: { action: { value: string } } }).shape.action.value;

it('documents every client and server action under its own heading', () => {
  const actions = [...ClientFrameSchema.options.map(actionOf), ...ServerFrameSchema.options.map(actionOf)];
  const missing = actions.filter((action) => !new RegExp(`^### .*\`${action}\``, 'm').test(doc));
  expect(missing).toEqual([]);
});

it('documents every error code and close code in their tables', () => {
  expect(Object.values(ErrorCode).filter((code) => !doc.includes(`| \`${code}\` |`))).toEqual([]);
  expect(Object.values(CloseCode).filter((code) => !doc.includes(`| ${code} |`))).toEqual([]);
});
