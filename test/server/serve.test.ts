import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collect, runCli, spawnCli, waitForStderr } from '../support/cli.ts';

// `npm start` is `ehrgate serve`; these tests run the real CLI in a child process, the way a
// newcomer does, with ports chosen by the OS so they can run beside other tests.
let dataDir: string;
const baseEnv = {
  DATABASE_URL: undefined,
  EHRGATE_CONFIG: undefined,
  PORT: undefined,
  SANDBOX_PORT: undefined,
};

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ehrgate-serve-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function assertOneLineError(stderr: string) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0], /^ehrgate: /);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('ehrgate serve', () => {
  it('starts the sandbox and gateway, answers /healthz and /readyz, and stops cleanly on SIGTERM', async (t) => {
    const started = performance.now();
    const child = spawnCli(['serve', '--port', '0', '--sandbox-port', '0', '--data-dir', dataDir], baseEnv);
    const exit = collect(child, 60_000);
    // A failed assertion must not leave the gateway running (and the test runner waiting).
    t.after(() => child.kill('SIGKILL'));
    const banner = await waitForStderr(child, /stop with Ctrl-C/);
    t.diagnostic(`ready in ${Math.round(performance.now() - started)} ms`);

    const gateway = banner.match(/gateway\s+(http:\/\/\S+)/)?.[1];
    const sandbox = banner.match(/sandbox EHR\s+(http:\/\/\S+)/)?.[1];
    assert.ok(gateway && sandbox, banner);

    const health = await fetch(`${gateway}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${gateway}/readyz`);
    const report = (await ready.json()) as { ready: boolean; checks: { name: string; status: string }[] };
    assert.equal(ready.status, 200, JSON.stringify(report));
    assert.equal(report.ready, true);
    assert.deepEqual(
      report.checks.filter((c) => c.status === 'fail'),
      [],
    );
    assert.ok(report.checks.some((c) => c.name === 'store' && c.status === 'pass'));
    assert.ok(report.checks.some((c) => c.name.startsWith('ehr:sandbox') && c.status === 'pass'));

    // The newcomer's first call, with the key from the banner and the scopes ehrgate asked the
    // sandbox for on its own: register, find a slot, book it (P1: confirmed means read back).
    const key = banner.match(/dev API key\s+(\S+)/)?.[1];
    assert.ok(key, banner);
    const tool = async (name: string, args: object) => {
      const response = await fetch(`${gateway}/v1/calls/newcomer-1/tools/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      assert.equal(response.status, 200, name);
      return (await response.json()) as Record<string, unknown>;
    };
    const registered = await tool('register_patient', { name: 'Newton Comerford', birthDate: '1990-04-12' });
    assert.equal(registered.status, 'confirmed', JSON.stringify(registered));
    const slots = await tool('find_slots', { visitType: 'follow-up' });
    const offer = (slots.offers as { offer: string }[] | undefined)?.[0];
    assert.ok(offer, JSON.stringify(slots));
    const booked = await tool('book_appointment', { offer: offer.offer });
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));

    child.kill('SIGTERM');
    const result = await exit;
    assert.equal(result.code, 0, result.stderr);
    await assert.rejects(fetch(`${sandbox}/fhir/R4/metadata`), 'the sandbox child stopped with the gateway');
  });

  it('reports readiness failure when the EHR goes away, while staying alive', async () => {
    const child = spawnCli(['serve', '--port', '0', '--sandbox-port', '0', '--data-dir', dataDir], baseEnv);
    const exit = collect(child, 60_000);
    const banner = await waitForStderr(child, /stop with Ctrl-C/);
    const gateway = banner.match(/gateway\s+(http:\/\/\S+)/)![1];
    const sandboxPid = await fetch(`${banner.match(/sandbox EHR\s+(http:\/\/\S+)/)![1]}/_sandbox/info`)
      .then((r) => r.json() as Promise<{ pid?: number }>)
      .then((s) => s.pid);
    assert.ok(sandboxPid, 'the sandbox reports its pid');
    process.kill(sandboxPid, 'SIGKILL');

    const ready = await fetch(`${gateway}/readyz`);
    assert.equal(ready.status, 503);
    const report = (await ready.json()) as { checks: { name: string; status: string }[] };
    assert.equal(report.checks.find((c) => c.name.startsWith('ehr:sandbox'))?.status, 'fail');
    assert.equal((await fetch(`${gateway}/healthz`)).status, 200);

    child.kill('SIGTERM');
    assert.equal((await exit).code, 0);
  });

  it('stops with one line and exit code 2 when the gateway port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(
        ['serve', '--port', String(port), '--sandbox-port', '0', '--data-dir', dataDir],
        {
          env: baseEnv,
        },
      );
      assert.equal(result.code, 2);
      assertOneLineError(result.stderr);
      assert.match(result.stderr, new RegExp(`port ${port}.*in use`));
    } finally {
      blocker.close();
    }
  });

  it('stops with one line and exit code 2 on a malformed configuration file', async () => {
    const file = join(dataDir, 'broken.yaml');
    await writeFile(file, 'tenants:\n  - id: a\n   ehr: [\n');
    const result = await runCli(['serve', '--config', file, '--port', '0'], { env: baseEnv });
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr);
    assert.match(result.stderr, /broken\.yaml/);
  });

  it('stops with one line and exit code 2 when the database does not answer', async () => {
    const result = await runCli(['serve', '--port', '0', '--sandbox-port', '0', '--data-dir', dataDir], {
      env: { ...baseEnv, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' },
    });
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr);
    assert.match(result.stderr, /127\.0\.0\.1:1/);
  });

  it('lists every command in --help', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['serve', 'sandbox', 'keys'])
      assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  });
});
