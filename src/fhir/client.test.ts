// The RESTful interactions and error mapping of the client, against a real local HTTP server.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type {
  Appointment,
  Bundle,
  OperationOutcome,
  OperationOutcomeIssue,
  Patient,
} from '@medplum/fhirtypes';
import { type Reply, startScriptedServer } from '../../test/fhir/support/scripted-server.ts';
import { isEhrgateError } from '../errors.ts';
import { createFhirClient } from './client.ts';
import { FhirError, isAmbiguousWriteFailure } from './errors.ts';
import type { FhirClientOptions } from './types.ts';

async function setup(t: TestContext, replies: readonly Reply[], extra: Partial<FhirClientOptions> = {}) {
  const server = await startScriptedServer(replies);
  const client = createFhirClient({ baseUrl: `${server.origin}/r4/tenant`, sleep: async () => {}, ...extra });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  return { server, client };
}

async function failure(promise: Promise<unknown>): Promise<FhirError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FhirError, `expected a FhirError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

const outcome = (code: OperationOutcomeIssue['code'], diagnostics: string): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
});

test('maps each EHR status to its error code and kind', async (t) => {
  const expected: [number, string, string][] = [
    [400, 'ERR_FHIR_BAD_REQUEST', 'bad-request'],
    [401, 'ERR_FHIR_UNAUTHORIZED', 'unauthorized'],
    [403, 'ERR_FHIR_FORBIDDEN', 'forbidden'],
    [404, 'ERR_FHIR_NOT_FOUND', 'not-found'],
    [405, 'ERR_FHIR_BAD_REQUEST', 'bad-request'],
    [408, 'ERR_FHIR_TIMEOUT', 'timeout'],
    [409, 'ERR_FHIR_CONFLICT', 'conflict'],
    [410, 'ERR_FHIR_NOT_FOUND', 'not-found'],
    [412, 'ERR_FHIR_PRECONDITION_FAILED', 'precondition-failed'],
    [422, 'ERR_FHIR_BUSINESS_RULE', 'business-rule'],
    [429, 'ERR_FHIR_RATE_LIMITED', 'rate-limited'],
    [500, 'ERR_FHIR_SERVER', 'server'],
    [503, 'ERR_FHIR_SERVER', 'server'],
  ];
  for (const [status, code, kind] of expected) {
    const { client } = await setup(t, [{ status, body: outcome('processing', `status ${status}`) }]);
    const err = await failure(client.request('GET', 'Patient/p1', { retry: false }));
    assert.equal(err.code, code, `status ${status}`);
    assert.equal(err.kind, kind, `status ${status}`);
    assert.equal(err.ehrStatus, status);
    assert.ok(isEhrgateError(err, err.code));
  }
});

test('keeps the OperationOutcome unchanged and writes a one-line message without the query string', async (t) => {
  const body = outcome('business-rule', 'Slot is\nalready booked');
  body.issue.push({ severity: 'warning', code: 'informational', details: { text: 'second' } });
  const { client } = await setup(t, [
    { status: 422, headers: { 'x-request-id': 'req-42' }, body: structuredClone(body) },
  ]);
  const err = await failure(client.request('POST', 'Appointment?name=Jane%20Doe&birthdate=1970-01-01'));
  assert.deepEqual(err.outcome, body);
  assert.deepEqual(err.issues, [
    { severity: 'error', code: 'business-rule', diagnostics: 'Slot is\nalready booked' },
    { severity: 'warning', code: 'informational', details: 'second' },
  ]);
  assert.equal(err.requestId, 'req-42');
  assert.equal(
    err.message,
    'FHIR POST /r4/tenant/Appointment failed: HTTP 422 (business-rule): Slot is already booked',
  );
  assert.doesNotMatch(err.message, /Jane|1970/);
});

test('a 5xx with an HTML body is a server error, not an invalid response', async (t) => {
  const { client } = await setup(t, [
    { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' },
  ]);
  const err = await failure(client.request('GET', 'Patient/p1', { retry: false }));
  assert.equal(err.code, 'ERR_FHIR_SERVER');
  assert.equal(err.outcome, undefined);
});

test('an HTML page where FHIR JSON was expected is ERR_FHIR_INVALID_RESPONSE and says so', async (t) => {
  const { client } = await setup(t, [
    {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><form>Sign in</form>',
    },
  ]);
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.equal(err.ehrStatus, 200);
  assert.match(err.message, /HTML page/);
});

test('a body without a FHIR JSON content type, or JSON that does not parse, is an invalid response', async (t) => {
  const { client } = await setup(t, [
    { status: 200, headers: { 'content-type': 'text/plain' }, body: '{"resourceType":"Patient"}' },
    { status: 200, headers: { 'content-type': 'application/fhir+json' }, body: '{"resourceType":' },
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"resourceType":"Patient","id":"p1"}',
    },
  ]);
  assert.equal((await failure(client.read('Patient', 'p1'))).code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.equal((await failure(client.read('Patient', 'p1'))).code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.deepEqual(await client.read('Patient', 'p1'), { resourceType: 'Patient', id: 'p1' });
});

test('does not follow a redirect (a login page) and reports it as an invalid response', async (t) => {
  const { client, server } = await setup(t, [
    { status: 302, headers: { location: 'https://sso.example.org/login?return=/r4' } },
  ]);
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.match(err.message, /sso\.example\.org\/login/);
  assert.equal(server.requests.length, 1);
});

test('a read answered with another resource type is an invalid response', async (t) => {
  const { client } = await setup(t, [{ status: 200, body: outcome('informational', 'ok') }]);
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.match(err.message, /expected Patient, got OperationOutcome/);
});

test('refuses to build a URL from an id that is not a FHIR id, without sending anything', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, body: {} }]);
  const err = await failure(client.read('Patient', '../Practitioner/1'));
  assert.equal(err.code, 'ERR_FHIR_BAD_REQUEST');
  assert.equal(isAmbiguousWriteFailure(err), false);
  await failure(client.update({ resourceType: 'Patient' }));
  assert.equal(server.requests.length, 0);
});

test('refuses to send a request to another origin', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, body: {} }]);
  const err = await failure(client.request('GET', 'https://elsewhere.example.org/r4/Patient/1'));
  assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
  assert.equal(server.requests.length, 0);
});

test('sends Accept, configured headers and the bearer token, and reads a resource', async (t) => {
  const patient: Patient = { resourceType: 'Patient', id: 'p1', meta: { versionId: '3' } };
  const { client, server } = await setup(t, [{ status: 200, body: patient }], {
    headers: { 'Epic-Client-ID': 'abc' },
    getAccessToken: async () => 'tok',
  });
  assert.deepEqual(await client.read('Patient', 'p1'), patient);
  const [req] = server.requests;
  assert.equal(req.method, 'GET');
  assert.equal(req.url, '/r4/tenant/Patient/p1');
  assert.equal(req.headers.accept, 'application/fhir+json');
  assert.equal(req.headers['epic-client-id'], 'abc');
  assert.equal(req.headers.authorization, 'Bearer tok');
});

test('vread asks for the version history path', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, body: { resourceType: 'Patient', id: 'p1' } }]);
  await client.vread('Patient', 'p1', '2');
  assert.equal(server.requests[0].url, '/r4/tenant/Patient/p1/_history/2');
});

test('create posts FHIR JSON with If-None-Exist and exposes status, Location, ETag, id and version', async (t) => {
  // Cerner answers a create with 201, Location and ETag W/"0" and no body (DESIGN.md section 5).
  const { client, server } = await setup(t, [
    { status: 201, headers: { location: 'https://ehr.example.org/r4/tenant/Appointment/55', etag: 'W/"0"' } },
  ]);
  const appointment: Appointment = { resourceType: 'Appointment', status: 'booked', participant: [] };
  const result = await client.create(appointment, { ifNoneExist: { identifier: 'urn:ehrgate|k1' } });
  assert.deepEqual(result, {
    status: 201,
    resource: undefined,
    etag: 'W/"0"',
    location: 'https://ehr.example.org/r4/tenant/Appointment/55',
    id: '55',
    versionId: '0',
  });
  const [req] = server.requests;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/r4/tenant/Appointment');
  assert.equal(req.headers['content-type'], 'application/fhir+json');
  assert.equal(req.headers['if-none-exist'], 'identifier=urn%3Aehrgate%7Ck1');
  assert.deepEqual(JSON.parse(req.body), appointment);
});

test('update puts the resource with If-Match and returns the stored resource', async (t) => {
  const stored: Patient = { resourceType: 'Patient', id: 'p1', meta: { versionId: '4' } };
  const { client, server } = await setup(t, [{ status: 200, headers: { etag: 'W/"4"' }, body: stored }]);
  const result = await client.update({ resourceType: 'Patient', id: 'p1' }, { ifMatch: '3' });
  assert.deepEqual(result.resource, stored);
  assert.equal(result.versionId, '4');
  assert.equal(server.requests[0].method, 'PUT');
  assert.equal(server.requests[0].url, '/r4/tenant/Patient/p1');
  assert.equal(server.requests[0].headers['if-match'], 'W/"3"');
});

test('patch sends a JSON Patch with If-Match, as Cerner cancels an appointment', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, headers: { etag: 'W/"2"' } }]);
  const patch = [
    { op: 'replace', path: '/status', value: 'cancelled' },
    { op: 'add', path: '/cancelationReason', value: { text: 'patient request' } },
  ] as const;
  const result = await client.patch('Appointment', 'a1', patch, { ifMatch: 'W/"1"' });
  assert.equal(result.versionId, '2');
  const [req] = server.requests;
  assert.equal(req.method, 'PATCH');
  assert.equal(req.headers['content-type'], 'application/json-patch+json');
  assert.equal(req.headers['if-match'], 'W/"1"');
  assert.deepEqual(JSON.parse(req.body), patch);
});

test('operation posts Parameters and returns the EHR response resource', async (t) => {
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset' };
  const { client, server } = await setup(t, [{ status: 200, body: bundle }]);
  const params = {
    resourceType: 'Parameters' as const,
    parameter: [{ name: 'startTime', valueDateTime: '2026-03-02T08:00:00Z' }],
  };
  assert.deepEqual(await client.operation('Appointment/$find', params), bundle);
  assert.equal(server.requests[0].method, 'POST');
  assert.equal(server.requests[0].url, '/r4/tenant/Appointment/$find');
  assert.deepEqual(JSON.parse(server.requests[0].body), params);
});

test('operation over GET sends primitive parameters as the query and refuses complex ones', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, body: { resourceType: 'Parameters' } }]);
  await client.operation(
    'Patient/$match',
    { resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: 3 }] },
    { method: 'GET' },
  );
  assert.equal(server.requests[0].url, '/r4/tenant/Patient/$match?count=3');
  const err = await failure(
    client.operation(
      'Patient/$match',
      {
        resourceType: 'Parameters',
        parameter: [{ name: 'resource', resource: { resourceType: 'Patient' } }],
      },
      { method: 'GET' },
    ),
  );
  assert.equal(err.code, 'ERR_FHIR_BAD_REQUEST');
  assert.equal(server.requests.length, 1);
});

test('rejects invalid options at construction with ERR_CONFIG_INVALID naming the option', () => {
  const bad: [FhirClientOptions, RegExp][] = [
    [{ baseUrl: 'ftp://ehr.example.org/r4' }, /options\.baseUrl/],
    [{ baseUrl: 'https://ehr.example.org/r4?tenant=x' }, /options\.baseUrl/],
    [{ baseUrl: 'https://ehr.example.org/r4', timeoutMs: 0 }, /options\.timeoutMs/],
    [{ baseUrl: 'https://ehr.example.org/r4', retry: { limit: -1 } }, /options\.retry\.limit/],
    [{ baseUrl: 'https://ehr.example.org/r4', fetch: 'no' as unknown as typeof fetch }, /options\.fetch/],
  ];
  for (const [options, where] of bad) {
    assert.throws(
      () => createFhirClient(options),
      (err: unknown) => isEhrgateError(err, 'ERR_CONFIG_INVALID') && where.test(err.message),
    );
  }
  assert.throws(
    () => createFhirClient({ baseUrl: 'https://x.example.org', extra: 1 } as FhirClientOptions),
    (err: unknown) => isEhrgateError(err, 'ERR_CONFIG_INVALID'),
  );
});

test('uses an injected fetch for every request', async () => {
  const seen: string[] = [];
  const client = createFhirClient({
    baseUrl: 'https://ehr.example.org/r4/',
    fetch: async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ resourceType: 'Patient', id: 'p1' }), {
        headers: { 'content-type': 'application/fhir+json' },
      });
    },
  });
  assert.equal(client.baseUrl, 'https://ehr.example.org/r4');
  await client.read('Patient', 'p1');
  await client.close();
  assert.deepEqual(seen, ['https://ehr.example.org/r4/Patient/p1']);
});

test('a header given by the caller replaces the default of the same name whatever its case', async (t) => {
  const { client, server } = await setup(t, [{ status: 200, body: { resourceType: 'Patient', id: 'p1' } }], {
    headers: { Accept: 'application/json' },
  });
  await client.request('POST', 'Patient', {
    body: '{"resourceType":"Patient"}',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(server.requests[0].headers.accept, 'application/json');
  assert.equal(server.requests[0].headers['content-type'], 'application/json');
});

test('a header value that cannot be sent fails as it is, sends nothing, and is not a network error', async (t) => {
  const events: unknown[] = [];
  const { client, server } = await setup(t, [{ status: 200, body: { resourceType: 'Patient', id: 'p1' } }], {
    onRequest: (event) => events.push(event),
  });
  await assert.rejects(
    client.request('GET', 'Patient/p1', { headers: { 'x-trace': 'one\r\ntwo' } }),
    (err: unknown) => !(err instanceof FhirError) && err instanceof Error,
  );
  assert.equal(server.requests.length, 0);
  assert.equal(events.length, 1, 'one attempt, not retried as a network failure would be');
});

test('reads a response whose headers repeat, as the EHR sent them', async (t) => {
  const { client } = await setup(t, [
    {
      status: 200,
      body: { resourceType: 'Patient', id: 'p1' },
      headers: { etag: 'W/"3"', 'set-cookie': ['a=1', 'b=2'] },
    },
  ]);
  const response = await client.request('GET', 'Patient/p1');
  assert.equal(response.etag, 'W/"3"');
  assert.equal(response.headers.get('set-cookie'), 'a=1, b=2');
  assert.deepEqual(response.body, { resourceType: 'Patient', id: 'p1' });
});
