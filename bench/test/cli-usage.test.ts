/**
 * The bench's command line: `--help` lists every option it accepts, and a mistake (an unknown
 * option, target or plan field, a value that is not a number) is refused with the usage and exit
 * code 2 before any server starts.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONS, parseCommandLine, UsageError } from '../src/command-line.mjs';
import { FULL, QUICK } from '../src/plan.mjs';

const cli = join(dirname(dirname(fileURLToPath(import.meta.url))), 'src', 'cli.mjs');
const bench = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });

const refusal = (argv: string[]) => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('bench command line', () => {
  it('--help prints the usage, naming every option and plan field, and runs nothing', () => {
    const result = bench('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run bench/);
    const options = Object.keys(OPTIONS ?? {});
    expect(options.length).toBeGreaterThan(10);
    for (const option of options) expect(result.stdout).toContain(`--${option}`);
    for (const field of ['chatRounds', 'idleConnections', 'stepRetries']) expect(result.stdout).toContain(field);
    expect(result.stderr).toBe('');
  });

  it('an unknown option exits 2 with the usage on stderr and nothing on stdout', () => {
    const result = bench('--rounds', '5');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--rounds'");
    expect(result.stderr).toContain('Usage: npm run bench');
    expect(result.stdout).toBe('');
  });

  it('turns options into the plan, targets and scenarios', () => {
    const parsed = parseCommandLine([
      '--quick',
      '--targets',
      'raw-ws, socketio',
      '--scenarios',
      'chat',
      '--rates',
      '10,50',
      '--set',
      'chatRounds=2',
      '--set',
      'stepRetries=0',
      '--no-pin',
    ]);
    expect(parsed.plan).toEqual({ ...QUICK, rates: [10, 50], chatRounds: 2, stepRetries: 0 });
    expect(parsed.targets).toEqual(['raw-ws', 'socketio']);
    expect([...parsed.scenarios]).toEqual(['chat']);
    expect(parsed.pin).toBe(false);
    const defaults = parseCommandLine([]);
    expect(defaults.plan).toEqual(FULL);
    expect(defaults.targets).toEqual(['herald-sqlite', 'herald-postgres', 'socketio', 'socketio-postgres', 'raw-ws']);
    expect([...defaults.scenarios]).toEqual(['idle', 'fanout', 'chat', 'cluster']);
    expect(defaults.pin).toBe(true);
  });

  it('refuses unknown targets, scenarios and plan fields, and values that are not numbers', () => {
    expect(refusal(['--targets', 'herald,raw-ws'])).toContain('--targets: unknown "herald"');
    expect(refusal(['--scenarios', 'burst'])).toContain('--scenarios: unknown "burst"');
    expect(refusal(['--set', 'rounds=5'])).toContain('--set rounds=5: expected FIELD=NUMBER');
    expect(refusal(['--set', 'name=5'])).toContain('expected FIELD=NUMBER');
    expect(refusal(['--set', 'chatRounds'])).toContain('expected FIELD=NUMBER');
    expect(refusal(['--set', 'chatRounds=five'])).toContain('--set chatRounds: "five" is not a number');
    expect(refusal(['--set', 'chatMs=-1'])).toContain('is not a number ≥ 0');
    expect(refusal(['--rates', '10,,50'])).toContain('--rates: "" is not a number ≥ 1');
    expect(refusal(['--rates', '0'])).toContain('--rates: "0" is not a number ≥ 1');
  });
});
