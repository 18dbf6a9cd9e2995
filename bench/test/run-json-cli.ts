/**
 * runJsonCli: run one of the bench's `--json` command lines (`npm run chaos`, `npm run fuzz`) as a
 * child process from the repository root, and hand back its exit code, its JSON (undefined when it
 * printed none: the failure is then in stderr) and the tail of its stderr.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun<T> {
  code: number | null;
  json: T | undefined;
  stderr: string;
}

export function runJsonCli<T>(args: readonly string[]): Promise<CliRun<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      let json: T | undefined;
      try {
        json = JSON.parse(stdout) as T;
      } catch {
        // No JSON: the failure is in stderr.
      }
      resolve({ code, json, stderr: stderr.slice(-4000) });
    });
  });
}
