// Issue 8, "Bad input": an unreachable host, a self-signed certificate, an HTML login page where
// JSON was expected, a timeout, a token endpoint that answers 500 (wrong-in-one-way.test.ts) —
// each a failed check with the reason, the independent checks still run, nothing crashes.
// The misbehaving "EHRs" here are tiny servers of our own making: they stand in for the outside
// world, not for any part of ehrgate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKey } from '../../src/auth/index.ts';
import type { TenantReport } from '../../src/doctor/index.ts';
import { clinicTenant, type DoctorHarness, scopesFor, startDoctorHarness } from './support.ts';

let h: DoctorHarness;
const servers: Server[] = [];

before(async () => {
  h = await startDoctorHarness();
});
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await h?.close();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A tenant whose EHR is at `baseUrl`; auth none unless keys are given. */
async function doctorAt(
  name: string,
  baseUrl: string,
  extra: Partial<Parameters<typeof clinicTenant>[2]> = {},
) {
  const tenant = clinicTenant(h, 'r4', { id: name, ...extra });
  const path = await h.writeConfig(name, [{ ...tenant, ehr: { ...tenant.ehr, baseUrl } }]);
  return h.doctor(path, { timeoutMs: 400 });
}

function statuses(report: TenantReport) {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

describe('doctor with bad input', () => {
  it('reports an unreachable host as a failed reachability check and skips what needs the EHR', async () => {
    const closed = createHttpServer();
    const host = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const report = await doctorAt('unreachable', `http://${host}/fhir/R4`);

    assert.equal(report.exitCode, 2);
    assert.deepEqual(
      report.blockers.map((b) => b.title),
      [
        `the EHR at http://${host}/fhir/R4/metadata could not be reached: the connection was refused (nothing listens at that address and port)`,
      ],
    );
    assert.match(report.blockers[0].fix ?? '', /^In the configuration file, set ehr\.baseUrl/);
    assert.deepEqual(statuses(report), {
      reachability: 'fail',
      discovery: 'skipped',
      token: 'skipped',
      scopes: 'skipped',
      capabilities: 'skipped',
      'scheduling-probe': 'skipped',
      mapping: 'skipped',
      'write-test': 'skipped',
      compliance: 'pass',
    });
  });

  it('reports an HTML login page where the CapabilityStatement should be, quoting its title', async () => {
    const host = await listen(
      createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          '<!doctype html><html><head><title>Sign in | Riverside MyChart</title></head><body>…</body></html>',
        );
      }),
    );
    const report = await doctorAt('html-portal', `http://${host}/fhir/R4`);

    assert.equal(report.exitCode, 2);
    const [blocker] = report.blockers;
    assert.equal(blocker.check, 'reachability');
    assert.equal(
      blocker.title,
      `GET http://${host}/fhir/R4/metadata answered HTTP 200 with an HTML page ("Sign in | Riverside MyChart"), not FHIR JSON`,
    );
    assert.equal(blocker.ehrSaid, 'HTTP 200: Sign in | Riverside MyChart');
  });

  it('reports an HTML page served as the SMART configuration as a failed discovery', async () => {
    const host = await listen(
      createHttpServer((request, response) => {
        if (request.url?.endsWith('/metadata')) {
          response.writeHead(200, { 'content-type': 'application/fhir+json' });
          response.end(
            JSON.stringify({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance' }),
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><title>Single Sign-On</title></html>');
      }),
    );
    const report = await doctorAt('html-discovery', `http://${host}/fhir/R4`, {
      keys: join(h.dir, 'keys', 'never-generated'),
      clientId: 'html-app',
    });

    assert.equal(report.exitCode, 2);
    const discovery = report.blockers.filter((b) => b.check === 'discovery');
    assert.equal(discovery.length, 1);
    assert.match(
      discovery[0].title,
      /returned an HTML page \("Single Sign-On"\), not a JSON SMART configuration$/,
    );
    assert.equal(statuses(report).token, 'skipped');
    // Independent of auth, the (empty) CapabilityStatement is still compared.
    assert.equal(statuses(report).capabilities, 'fail');
    assert.ok(
      report.blockers.some(
        (b) => b.title === "scheduling: the EHR's CapabilityStatement does not declare Slot search-type",
      ),
    );
  });

  it('reports an EHR that accepts the connection and never answers, within the timeout', async () => {
    const host = await listen(createHttpServer(() => {}));
    const started = performance.now();
    const report = await doctorAt('silent', `http://${host}/fhir/R4`);

    assert.ok(performance.now() - started < 5_000, 'the doctor does not wait beyond its timeouts');
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title]),
      [['reachability', `the EHR did not answer GET http://${host}/fhir/R4/metadata within 400 ms`]],
    );
  });

  it('reports a token endpoint that never answers as a failed token check', async () => {
    const keys = await h.registerApp({
      clientId: 'slow-token-app',
      personality: 'epic',
      allowedScopes: scopesFor(['scheduling'], 'v1'),
      scopeStyle: 'v1',
    });
    const path = await h.writeConfig('slow-token', [
      clinicTenant(h, 'epic', { id: 'slow-token', keys, clientId: 'slow-token-app' }),
    ]);
    h.sandbox.faults.addRule({ match: { method: 'POST', path: '/oauth2/token' }, fault: { timeout: true } });
    let report: TenantReport;
    try {
      report = await h.doctor(path, { timeoutMs: 400 });
    } finally {
      h.sandbox.faults.clear();
    }
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title]),
      [
        [
          'token',
          `no access token: token endpoint ${h.sandbox.url}/oauth2/token did not answer within 400 ms`,
        ],
      ],
    );
    assert.equal(statuses(report).capabilities, 'pass');
  });

  it('warns that our JWK Set URL does not answer, which is why the EHR refuses the assertion', async () => {
    const closed = createHttpServer();
    const jwksHost = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const jku = `http://${jwksHost}/.well-known/jwks.json`;
    const keys = join(h.dir, 'keys', 'jku-app');
    await generateKey({ dir: keys, alg: 'ES384' });
    // Registered as Epic requires: by JWK Set URL, which the EHR fetches to verify each assertion.
    h.sandbox.auth!.clients.register({
      clientId: 'jku-app',
      personality: 'epic',
      auth: { jwksUrl: jku },
      allowedScopes: scopesFor(['scheduling'], 'v1'),
      scopeStyle: 'v1',
    });
    const tenant = clinicTenant(h, 'epic', { id: 'jku', keys, clientId: 'jku-app' });
    const path = await h.writeConfig('jku', [
      { ...tenant, ehr: { ...tenant.ehr, auth: { ...tenant.ehr.auth, jku } as typeof tenant.ehr.auth } },
    ]);
    const report = await h.doctor(path, { timeoutMs: 1_000 });

    assert.deepEqual(
      report.warnings.map((w) => [w.check, w.title]),
      [
        [
          'discovery',
          `our JWK Set URL ${jku} could not be fetched: the connection was refused (nothing listens at that address and port)`,
        ],
      ],
    );
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.ehrSaid]),
      [['token', 'HTTP 400: invalid_client: could not fetch the client JWK Set URL']],
    );
  });

  it('refuses a self-signed certificate, naming it, before sending anything', async (t) => {
    let key: Buffer;
    let cert: Buffer;
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
        ].concat([
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(h.dir, 'tls.key'),
          '-out',
          join(h.dir, 'tls.crt'),
        ]),
        { stdio: 'ignore' },
      );
      key = readFileSync(join(h.dir, 'tls.key'));
      cert = readFileSync(join(h.dir, 'tls.crt'));
    } catch {
      t.skip('openssl is not available to make a certificate');
      return;
    }
    let requests = 0;
    const host = await listen(
      createHttpsServer({ key, cert }, (_request, response) => {
        requests += 1;
        response.end('{}');
      }) as unknown as Server,
    );
    const report = await doctorAt('self-signed', `https://${host}/fhir/R4`);

    assert.equal(report.exitCode, 2);
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title]),
      [
        [
          'reachability',
          `TLS to ${host} failed: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`,
        ],
      ],
    );
    assert.match(report.blockers[0].fix ?? '', /certificate from a publicly trusted authority/);
    assert.equal(requests, 0, 'no HTTP request went over the unverified connection');
  });
});
