// Retry policy, timeouts, aborts and the 401 token refresh, against a real local HTTP server.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { closedPort, type Reply, startScriptedServer } from '../../test/fhir/support/scripted-server.ts';
import { createFhirClient } from './client.ts';
import { FhirError, isAmbiguousWriteFailure } from './errors.ts';
import type { FhirClientOptions, FhirRequestEvent, FhirRequestSentEvent } from './types.ts';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const PATIENT = { resourceType: 'Patient', id: 'p1' };
const OK: Reply = { status: 200, body: PATIENT };

async function setup(
  t: TestContext,
  replies: Parameters<typeof startScriptedServer>[0],
  extra: Partial<FhirClientOptions> = {},
) {
  const server = await startScriptedServer(replies);
  const delays: number[] = [];
  const events: FhirRequestEvent[] = [];
  const client = createFhirClient({
    baseUrl: `${server.origin}/r4/tenant`,
    now: () => NOW,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  return { server, client, delays, events };
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

test('retries a GET after a 503 and honours Retry-After in seconds and as an HTTP date', async (t) => {
  const { client, server, delays } = await setup(t, [
    { status: 503, headers: { 'retry-after': '2' } },
    { status: 503, headers: { 'retry-after': 'Mon, 02 Mar 2026 10:00:03 GMT' } },
    OK,
  ]);
  assert.deepEqual(await client.read('Patient', 'p1'), PATIENT);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(delays, [2_000, 3_000]);
});

test('cuts a Retry-After longer than maxRetryAfterMs to that limit but reports the server value', async (t) => {
  const { client, delays } = await setup(t, [{ status: 429, headers: { 'retry-after': '120' } }], {
    retry: { limit: 1, maxRetryAfterMs: 1_500 },
  });
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_RATE_LIMITED');
  assert.equal(err.retryAfterMs, 120_000);
  assert.deepEqual(delays, [1_500]);
});

test('backs off exponentially with full jitter and stops after the retry limit', async (t) => {
  const { client, server, delays } = await setup(t, [{ status: 502 }], {
    random: () => 0.999,
    retry: { limit: 3, backoffBaseMs: 100, backoffLimitMs: 300 },
  });
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_SERVER');
  assert.equal(err.ehrStatus, 502);
  assert.equal(server.requests.length, 4);
  assert.deepEqual(delays, [99, 199, 299]);
});

test('makes DEFAULT_RETRY_LIMIT (2) retries by default', async (t) => {
  const { client, server } = await setup(t, [{ status: 500 }]);
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_SERVER');
  assert.equal(server.requests.length, 3);
});

test('retries a GET on 408, 429, 500, 502, 503 and 504', async (t) => {
  const statuses = [408, 429, 500, 502, 503, 504];
  const { client, server } = await setup(t, [...statuses.map((status) => ({ status })), OK], {
    retry: { limit: statuses.length },
  });
  assert.deepEqual(await client.read('Patient', 'p1'), PATIENT);
  assert.equal(server.requests.length, statuses.length + 1);
});

test('never retries a 4xx other than 408 and 429, nor a 501', async (t) => {
  for (const status of [400, 403, 404, 409, 410, 412, 422, 501]) {
    const { client, server, delays } = await setup(t, [{ status }, OK]);
    await failure(client.read('Patient', 'p1'));
    assert.equal(server.requests.length, 1, `status ${status}`);
    assert.deepEqual(delays, []);
  }
});

test('never retries a POST, PUT, PATCH or DELETE on 503', async (t) => {
  const { client, server } = await setup(t, [{ status: 503, headers: { 'retry-after': '0' } }]);
  const err = await failure(client.create({ resourceType: 'Patient' }));
  assert.equal(err.code, 'ERR_FHIR_SERVER');
  assert.equal(isAmbiguousWriteFailure(err), true);
  await failure(client.update({ resourceType: 'Patient', id: 'p1' }));
  await failure(client.patch('Appointment', 'a1', [], { ifMatch: '1' }));
  await failure(client.request('DELETE', 'Patient/p1'));
  await failure(client.operation('Appointment/$book', { resourceType: 'Parameters' }));
  assert.deepEqual(
    server.requests.map((r) => r.method),
    ['POST', 'PUT', 'PATCH', 'DELETE', 'POST'],
  );
});

test('retries a search sent as POST _search, which is safe to repeat', async (t) => {
  const bundle = { resourceType: 'Bundle', type: 'searchset', entry: [] };
  const { client, server } = await setup(t, [{ status: 503 }, { status: 200, body: bundle }]);
  assert.deepEqual(await client.search('Patient', { name: 'Smith' }, { method: 'POST' }), bundle);
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1].url, '/r4/tenant/Patient/_search');
  assert.equal(server.requests[1].body, 'name=Smith');
  assert.equal(server.requests[1].headers['content-type'], 'application/x-www-form-urlencoded');
});

test('sends a request once when it opts out with retry: false', async (t) => {
  const { client, server } = await setup(t, [{ status: 503 }, OK]);
  const err = await failure(client.request('GET', 'Patient/p1', { retry: false }));
  assert.equal(err.code, 'ERR_FHIR_SERVER');
  assert.equal(server.requests.length, 1);
});

test('times out with ERR_FHIR_TIMEOUT, and a POST that timed out may have been applied', async (t) => {
  const { client, server } = await setup(t, [{ hang: true }], { timeoutMs: 50 });
  const err = await failure(
    client.create({ resourceType: 'Appointment', status: 'booked', participant: [] }),
  );
  assert.equal(err.code, 'ERR_FHIR_TIMEOUT');
  assert.equal(err.ehrStatus, undefined);
  assert.equal(isAmbiguousWriteFailure(err), true);
  assert.equal(server.requests.length, 1);
});

test("times an attempt from sending to the response's last byte: the parse is the gateway's time", async (t) => {
  // A clock that moves a second at every reading, so the event shows which readings it spans.
  let readings = 0;
  const { client, events } = await setup(t, [OK], { now: () => NOW + 1_000 * readings++ });
  await client.read('Patient', 'p1');
  assert.equal(events.length, 1);
  assert.equal(events[0]?.startedAt, NOW);
  assert.equal(events[0]?.durationMs, 1_000);
});

test('retries a GET that timed out', async (t) => {
  const { client, server } = await setup(t, [{ hang: true }, OK], { timeoutMs: 50 });
  assert.deepEqual(await client.read('Patient', 'p1'), PATIENT);
  assert.equal(server.requests.length, 2);
});

test('a connection reset after a POST was sent is a network error that may have been applied, not retried', async (t) => {
  const { client, server } = await setup(t, [{ reset: true }, { status: 201 }]);
  const err = await failure(client.create({ resourceType: 'Patient' }));
  assert.equal(err.code, 'ERR_FHIR_NETWORK');
  assert.equal(isAmbiguousWriteFailure(err), true);
  assert.equal(server.requests.length, 1);
});

test('retries a GET after a connection reset', async (t) => {
  const { client, server } = await setup(t, [{ reset: true }, OK]);
  assert.deepEqual(await client.read('Patient', 'p1'), PATIENT);
  assert.equal(server.requests.length, 2);
});

test('a refused connection is a network error that cannot have been applied', async (t) => {
  const port = await closedPort();
  const events: FhirRequestEvent[] = [];
  const client = createFhirClient({
    baseUrl: `http://127.0.0.1:${port}/r4`,
    sleep: async () => {},
    onRequest: (e) => events.push(e),
  });
  t.after(() => client.close());
  const err = await failure(client.create({ resourceType: 'Patient' }));
  assert.equal(err.code, 'ERR_FHIR_NETWORK');
  assert.equal(err.networkCode, 'ECONNREFUSED');
  assert.equal(isAmbiguousWriteFailure(err), false);
  await failure(client.read('Patient', 'p1'));
  assert.deepEqual(
    events.map((e) => [e.method, e.attempt, e.errorCode]),
    [
      ['POST', 1, 'ERR_FHIR_NETWORK'],
      ['GET', 1, 'ERR_FHIR_NETWORK'],
      ['GET', 2, 'ERR_FHIR_NETWORK'],
      ['GET', 3, 'ERR_FHIR_NETWORK'],
    ],
  );
});

test('does not retry when the caller aborts', async (t) => {
  const { client, server, delays } = await setup(t, [{ hang: true }, OK]);
  const controller = new AbortController();
  const pending = client.read('Patient', 'p1', { signal: controller.signal });
  while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
  controller.abort();
  const err = await failure(pending);
  assert.equal(err.code, 'ERR_FHIR_ABORTED');
  assert.equal(server.requests.length, 1);
  assert.deepEqual(delays, []);
});

test('stops retrying when the caller aborts during the backoff', async (t) => {
  const controller = new AbortController();
  const { client, server } = await setup(t, [{ status: 503 }, OK], {
    sleep: async () => {
      controller.abort();
    },
  });
  const err = await failure(client.read('Patient', 'p1', { signal: controller.signal }));
  assert.equal(err.code, 'ERR_FHIR_ABORTED');
  assert.equal(server.requests.length, 1);
});

test('sends nothing when the caller signal is already aborted', async (t) => {
  const { client, server } = await setup(t, [OK]);
  const err = await failure(client.create({ resourceType: 'Patient' }, { signal: AbortSignal.abort() }));
  assert.equal(err.code, 'ERR_FHIR_ABORTED');
  assert.equal(isAmbiguousWriteFailure(err), false);
  assert.equal(server.requests.length, 0);
});

test('on a 401 forces one token refresh and repeats the request once, even a POST', async (t) => {
  const calls: boolean[] = [];
  const getAccessToken = async ({ forceRefresh }: { forceRefresh: boolean }) => {
    calls.push(forceRefresh);
    return forceRefresh ? 'fresh' : 'stale';
  };
  const { client, server } = await setup(
    t,
    [
      { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      { status: 201, headers: { location: 'Patient/p9/_history/1' } },
    ],
    { getAccessToken },
  );
  const result = await client.create({ resourceType: 'Patient' });
  assert.equal(result.status, 201);
  assert.equal(result.id, 'p9');
  assert.deepEqual(calls, [false, true]);
  assert.deepEqual(
    server.requests.map((r) => r.headers.authorization),
    ['Bearer stale', 'Bearer fresh'],
  );
});

test('a second 401 is ERR_FHIR_UNAUTHORIZED with the challenge error, after one forced refresh only', async (t) => {
  const calls: boolean[] = [];
  const { client, server } = await setup(
    t,
    [{ status: 401, headers: { 'www-authenticate': 'Bearer realm="ehr", error="invalid_token"' } }],
    {
      getAccessToken: async ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return 't';
      },
    },
  );
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_UNAUTHORIZED');
  assert.equal(err.authError, 'invalid_token');
  assert.deepEqual(calls, [false, true]);
  assert.equal(server.requests.length, 2);
});

test('a 401 without a token provider is not repeated', async (t) => {
  const { client, server } = await setup(t, [{ status: 401 }, OK]);
  const err = await failure(client.read('Patient', 'p1'));
  assert.equal(err.code, 'ERR_FHIR_UNAUTHORIZED');
  assert.equal(server.requests.length, 1);
});

test('reports every attempt to onRequest and survives a hook that throws', async (t) => {
  const { client, events } = await setup(t, [{ status: 503 }, OK]);
  await client.read('Patient', 'p1');
  assert.deepEqual(
    events.map((e) => [e.method, e.path, e.status, e.attempt, e.errorCode, e.durationMs]),
    [
      ['GET', '/r4/tenant/Patient/p1', 503, 1, 'ERR_FHIR_SERVER', 0],
      ['GET', '/r4/tenant/Patient/p1', 200, 2, undefined, 0],
    ],
  );

  const throwing = await setup(t, [OK], {
    onRequest: () => {
      throw new Error('audit store down');
    },
  });
  assert.deepEqual(await throwing.client.read('Patient', 'p1'), PATIENT);
});

test('reports each attempt as it goes out, before the EHR answers it (onRequestSent)', async (t) => {
  const sent: FhirRequestSentEvent[] = [];
  const sentWhenAnswering: number[] = [];
  const { client, events } = await setup(
    t,
    async (_req, i) => {
      // The server answers only once the client has reported this attempt, or after a second.
      for (const until = Date.now() + 1_000; sent.length <= i && Date.now() < until; )
        await new Promise((resolve) => setImmediate(resolve));
      sentWhenAnswering.push(sent.length);
      return i === 0 ? { status: 503 } : OK;
    },
    { onRequestSent: (e) => sent.push(e) },
  );
  assert.deepEqual(await client.read('Patient', 'p1'), PATIENT);
  assert.deepEqual(sentWhenAnswering, [1, 2]);
  assert.deepEqual(
    sent.map((e) => [e.method, e.path, e.attempt, e.startedAt]),
    [
      ['GET', '/r4/tenant/Patient/p1', 1, NOW],
      ['GET', '/r4/tenant/Patient/p1', 2, NOW],
    ],
  );
  assert.deepEqual(
    events.map((e) => e.attempt),
    [1, 2],
  );
});
