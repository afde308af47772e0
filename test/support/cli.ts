import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.ts';

export const CLI_ENTRY = join(REPO_ROOT, 'src', 'cli', 'main.ts');

export type CliResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

// Runs `ehrgate ...` to completion with the project's Node (the test runner's own execPath).
export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  const child = spawnCli(args, options.env);
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  return collect(child, options.timeoutMs ?? 60_000);
}

export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) merged[key] = value;
  }
  return spawn(process.execPath, [CLI_ENTRY, ...args], { env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ehrgate did not exit within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Resolves with the text printed so far once `pattern` appears on stderr.
export function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; stderr: ${seen}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk) => {
      seen += chunk;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; stderr: ${seen}`));
    });
  });
}
