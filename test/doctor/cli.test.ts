// `ehrgate doctor` end to end: the CLI spawned with the project's Node against the sandbox EHR
// running in this process; exit codes 0 / 1 / 2, the JSON, Markdown and HTML reports, and plain
// progress lines on stderr when it is not a terminal.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoctorReport } from '../../src/doctor/index.ts';
import { runCli } from '../support/cli.ts';
import { clinicTenant, type DoctorHarness, scopesFor, startDoctorHarness } from './support.ts';

let h: DoctorHarness;
let config: string;

before(async () => {
  h = await startDoctorHarness();
  const keys = await h.registerApp({
    clientId: 'cli-app',
    personality: 'cerner',
    allowedScopes: scopesFor(['scheduling'], 'v2'),
    scopeStyle: 'v2',
  });
  const noWrite = await h.registerApp({
    clientId: 'cli-no-write',
    personality: 'epic',
    allowedScopes: scopesFor(['scheduling'], 'v1').filter((s) => s !== 'system/Appointment.write'),
    scopeStyle: 'v1',
  });
  config = await h.writeConfig('cli', [
    clinicTenant(h, 'cerner', { id: 'healthy', keys, clientId: 'cli-app' }),
    clinicTenant(h, 'cerner', { id: 'unlisted', keys, clientId: 'cli-app', subprocessors: [] }),
    clinicTenant(h, 'epic', { id: 'no-write', keys: noWrite, clientId: 'cli-no-write' }),
  ]);
});
after(() => h?.close());

const doctor = (...args: string[]) =>
  runCli(['doctor', '--config', config, '--timeout', '3000', ...args], {
    env: { EHRGATE_CONFIG: undefined },
  });

describe('ehrgate doctor (CLI)', () => {
  it('exits 0 for a ready tenant and prints the JSON report on stdout', async () => {
    const result = await doctor('--tenant', 'healthy', '--format', 'json');

    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as DoctorReport;
    assert.equal(report.verdict, 'ready');
    assert.equal(report.exitCode, 0);
    assert.deepEqual(
      report.tenants.map((t) => [t.tenant.id, t.verdict]),
      [['healthy', 'ready']],
    );
    assert.deepEqual(
      report.tenants[0].checks.map((c) => c.id),
      [
        'reachability',
        'discovery',
        'token',
        'scopes',
        'capabilities',
        'scheduling-probe',
        'mapping',
        'write-test',
        'compliance',
      ],
    );
    // Progress goes to stderr as plain lines when stderr is not a terminal (CI).
    assert.match(result.stderr, /^PASS {2}Reachability and TLS \(\d+ ms\): answered GET \/metadata/m);
    assert.ok(!result.stderr.includes('\u001b['), 'no terminal control codes in a log');
  });

  it('exits 1 when there are warnings only', async () => {
    const result = await doctor('--tenant', 'unlisted');

    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^Verdict: READY WITH WARNINGS \(exit 1\)$/m);
    assert.match(result.stdout, /no subprocessors are listed/);
  });

  it('exits 2 when any tenant is blocked, and writes the Markdown report to --out with blockers first', async () => {
    const out = join(h.dir, 'report.md');
    const result = await doctor('--format', 'markdown', '--out', out);

    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /report written to .*report\.md/);
    const markdown = await readFile(out, 'utf8');
    assert.match(markdown, /\*\*Verdict: BLOCKED\*\* \(exit 2\)/);
    const section = markdown.slice(markdown.indexOf('## Tenant no-write'));
    assert.ok(section.indexOf('### Blockers') < section.indexOf('### Checks'), 'blockers come first');
    assert.match(section, /scheduling: the EHR did not grant system\/Appointment\.write/);
    assert.match(
      section,
      /\*\*Fix:\*\* Ask the EHR team to grant the backend app \(client id cli-no-write\)/,
    );
  });

  it('writes a self-contained HTML page', async () => {
    const out = join(h.dir, 'report.html');
    const result = await doctor('--tenant', 'no-write', '--format', 'html', '--out', out);

    assert.equal(result.code, 2, result.stderr);
    const html = await readFile(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<style>/);
    assert.doesNotMatch(html, /<(script|link|img)\b/i, 'no external assets');
    assert.match(html, /scheduling: the EHR did not grant system\/Appointment\.write/);
  });

  it('stops with exit 2 and one line for an unknown tenant or a bad timeout', async () => {
    const result = await doctor('--tenant', 'nowhere');

    assert.equal(result.code, 2);
    assert.equal(
      result.stderr.trim(),
      'ehrgate: --tenant: no tenant "nowhere" (have healthy, unlisted, no-write)',
    );
    const badPort = await runCli(['doctor', '--sandbox-port', '99999'], {});
    assert.equal(badPort.code, 2);
    assert.equal(badPort.stderr.trim(), 'ehrgate: --sandbox-port: expected a port number from 1 to 65535');
  });
});
