// Issue 3: "a tenant configured without system/Appointment.write reports the scheduling workflow
// as not authorized at start-up" — through the real start-up path (config file, token from the
// sandbox's authorization server, /readyz).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { generateKey, publicJwks } from '../../src/auth/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.ts';
import { realClock, type SmartHarness, startSmartHarness } from '../smart/support.ts';

const READ_ONLY_V1 = [
  'system/Appointment.read',
  'system/Slot.read',
  'system/Schedule.read',
  'system/Patient.read',
];

let harness: SmartHarness;
let gateway: RunningGateway;
let unregistered: RunningGateway;
const logLines: string[] = [];

function tenantYaml(id: string, clientId: string, scopes: readonly string[]): string {
  return [
    'tenants:',
    `  - id: ${id}`,
    '    ehr:',
    '      vendor: fhir-r4',
    `      baseUrl: ${harness.sandbox.r4BaseUrl}`,
    `      auth: { method: private_key_jwt, clientId: ${clientId}, keys: ./riverside, alg: RS384 }`,
    `      scopes: [${scopes.join(', ')}]`,
    '    workflows: [scheduling]',
    '',
  ].join('\n');
}

before(async () => {
  harness = await startSmartHarness(realClock());
  const keys = join(harness.keysDir, 'riverside');
  await generateKey({ dir: keys, alg: 'RS384' });
  harness.sandbox.auth!.clients.register({
    clientId: 'riverside-app',
    personality: 'r4',
    auth: { jwks: await publicJwks([keys], Date.now()) },
    allowedScopes: READ_ONLY_V1,
    scopeStyle: 'v1',
  });
  const configPath = join(harness.keysDir, 'ehrgate.yaml');
  await writeFile(configPath, tenantYaml('riverside', 'riverside-app', READ_ONLY_V1));
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  gateway = await startGateway({
    configPath,
    port: 0,
    dataDir: join(harness.keysDir, 'data'),
    env: {},
    logger: createLogger({ level: 'info', destination }),
  });
  const strangerPath = join(harness.keysDir, 'stranger.yaml');
  await writeFile(strangerPath, tenantYaml('stranger', 'never-registered', READ_ONLY_V1));
  unregistered = await startGateway({
    configPath: strangerPath,
    port: 0,
    dataDir: join(harness.keysDir, 'data2'),
    env: {},
    logger: createLogger({ level: 'silent' }),
  });
});

after(async () => {
  await gateway?.close();
  await unregistered?.close();
  await harness.close();
});

describe('start-up scope check', () => {
  it('reports the scheduling workflow as not authorized, naming system/Appointment.write', () => {
    const [report] = gateway.authReport;
    assert.equal(report.tenant, 'riverside');
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.blocked.map((b) => b.workflow),
      ['scheduling'],
    );
    assert.ok(
      report.blocked[0].missing.includes('system/Appointment.write'),
      report.blocked[0].missing.join(' '),
    );
  });

  it('logs the missing scope at start-up', () => {
    const warning = logLines
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === 'workflow not authorized: missing scopes');
    assert.ok(warning, logLines.join('\n'));
    assert.equal(warning.workflow, 'scheduling');
    assert.ok(warning.missing.includes('system/Appointment.write'));
  });

  it('shows the unauthorized workflow on /readyz while the EHR itself is reachable', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    const body = (await response.json()) as { checks: { name: string; status: string; detail: string }[] };
    const auth = body.checks.find((c) => c.name === 'auth:riverside');
    assert.equal(auth?.status, 'warn');
    assert.match(auth?.detail ?? '', /scheduling \(missing .*system\/Appointment\.write/);
    assert.equal(body.checks.find((c) => c.name === 'ehr:riverside')?.status, 'pass');
  });
});

describe('token trouble is visible, not fatal', () => {
  it('starts anyway when the EHR rejects the client, and says so on /readyz with the fix', async () => {
    assert.equal(unregistered.authReport[0].ok, false);
    assert.match(unregistered.authReport[0].detail, /invalid_client/);
    const response = await fetch(`${unregistered.url}/readyz`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as { checks: { name: string; status: string; fix?: string }[] };
    const auth = body.checks.find((c) => c.name === 'auth:stranger');
    assert.equal(auth?.status, 'fail');
    assert.ok((auth?.fix ?? '').length > 10, 'the check says what to fix');
    assert.equal((await fetch(`${unregistered.url}/healthz`)).status, 200);
  });

  it('exports token state and EHR request counts as Prometheus metrics', async () => {
    const healthy = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(healthy, /ehrgate_token_status\{tenant="riverside"\} 0/);
    assert.match(healthy, /ehrgate_token_requests\{tenant="riverside"\} [1-9]/);
    assert.match(healthy, /ehrgate_ehr_requests_total\{tenant="riverside",method="GET",status="200"\} [1-9]/);
    const failing = await (await fetch(`${unregistered.url}/metrics`)).text();
    assert.match(failing, /ehrgate_token_status\{tenant="stranger"\} 2/);
    assert.match(failing, /ehrgate_token_failures\{tenant="stranger"\} [1-9]/);
  });
});
