/**
 * The generated shapes are current: regenerating them from the zod schemas gives the committed file
 * byte for byte (set HERALD_WRITE_SHAPES=1 to rewrite it instead).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { frameShapesFile, REGENERATE_COMMAND } from './frame-shapes-source.js';

const file = new URL('./frame-shapes.generated.ts', import.meta.url);

it('frame-shapes.generated.ts is what the zod schemas generate', () => {
  const expected = frameShapesFile();
  if (process.env.HERALD_WRITE_SHAPES === '1' && process.env.CI !== 'true') writeFileSync(file, expected);
  const actual = readFileSync(file, 'utf8');
  expect(actual === expected, `frame-shapes.generated.ts is stale: run ${REGENERATE_COMMAND}`).toBe(true);
});
