/** The bench's command line: `--help` lists every option it accepts, and a wrong option is refused with the usage. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = join(dirname(dirname(fileURLToPath(import.meta.url))), 'src', 'cli.mjs');
const bench = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });

/** The option names declared in cli.mjs's parseArgs table. */
const declaredOptions = () => {
  const source = readFileSync(cli, 'utf8');
  const table = source.slice(source.indexOf('options: {'), source.indexOf('}).values'));
  return [...table.matchAll(/^\s+'?([a-z-]+)'?: \{ type:/gm)].map((match) => match[1]);
};

describe('bench command line', () => {
  it('--help prints the usage, naming every option, and runs nothing', () => {
    const result = bench('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run bench/);
    const options = declaredOptions();
    expect(options.length).toBeGreaterThan(10);
    for (const option of options) expect(result.stdout).toContain(`--${option}`);
    expect(result.stderr).not.toContain('==');
  });

  it('refuses an unknown option with exit code 2 and the usage', () => {
    const result = bench('--rounds', '5');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--rounds'");
    expect(result.stderr).toContain('Usage: npm run bench');
    expect(result.stdout).toBe('');
  });
});
