// The child-process entry: one JSON line when ready, a clean exit on SIGTERM, exit code 2 and an
// error line when the port is taken.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/fixtures.ts';
import { call } from './support.ts';

const MAIN = join(REPO_ROOT, 'src', 'sandbox', 'main.ts');
const TEST_TIMEOUT_MS = 30_000;

interface Run {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first stdout line. */
  readonly firstLine: Promise<string>;
  readonly exit: Promise<number | null>;
}

function run(args: readonly string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        lines.push(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      if (lines.length > 0) resolve(lines[0]);
    });
    child.once('exit', () => reject(new Error(`exited before printing a line; stdout so far: ${buffered}`)));
  });
  firstLine.catch(() => undefined);
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, lines, firstLine, exit };
}

test('prints one sandbox.ready line, serves FHIR, and exits 0 on SIGTERM', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  const sandbox = run(['--port', '0', '--seed', '3', '--reference-date', '2025-03-05T15:30:00Z']);
  try {
    const ready = JSON.parse(await sandbox.firstLine) as {
      event: string;
      url: string;
      r4: string;
      ms: number;
    };
    assert.equal(ready.event, 'sandbox.ready');
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.r4, `${ready.url}/fhir/R4`);
    assert.ok(Number.isInteger(ready.ms) && ready.ms > 0 && ready.ms < 10_000, `ready after ${ready.ms} ms`);
    const metadata = await call<{ resourceType: string }>(`${ready.r4}/metadata`);
    assert.equal(metadata.body.resourceType, 'CapabilityStatement');
    const seed = await call<{ seed: number }>(`${ready.url}/_sandbox/seed`);
    assert.equal(seed.body.seed, 3);
  } finally {
    sandbox.child.kill('SIGTERM');
  }
  assert.equal(await sandbox.exit, 0);
  assert.equal(sandbox.lines.length, 1, `stdout: ${sandbox.lines.join(' | ')}`);
});

test('prints sandbox.error EADDRINUSE and exits 2 when the port is taken', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const { port } = blocker.address() as { port: number };
  try {
    const sandbox = run(['--port', String(port), '--host', '127.0.0.1']);
    assert.equal(await sandbox.exit, 2);
    assert.deepEqual(
      sandbox.lines.map((line) => JSON.parse(line)),
      [{ event: 'sandbox.error', code: 'EADDRINUSE', message: `port ${port} is in use` }],
    );
  } finally {
    blocker.close();
  }
});

test('prints sandbox.error and exits 2 for a bad option', { timeout: TEST_TIMEOUT_MS }, async () => {
  const sandbox = run(['--port', 'eighty']);
  assert.equal(await sandbox.exit, 2);
  assert.equal(JSON.parse(sandbox.lines[0]).code, 'ERR_SANDBOX_OPTIONS');
});
