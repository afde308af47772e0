// The single authorization hook every FHIR request passes through (personality.ts AuthorizeHook):
// what it is told, and that its refusal is what the client receives.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { AuthorizeContext, AuthorizeResult } from '../../src/sandbox/personality.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { call, fhirJson, REFERENCE_DATE } from './support.ts';

const seen: AuthorizeContext[] = [];
let refuse = false;

async function authorize(request: FastifyRequest, context: AuthorizeContext): Promise<AuthorizeResult> {
  seen.push(context);
  if (!refuse || context.interaction === 'capabilities') return { ok: true };
  assert.equal(request.body, undefined, 'the hook runs before the body is parsed');
  return {
    ok: false,
    status: 403,
    headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
    body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] },
  };
}

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, authorize });
  base = sandbox.r4BaseUrl;
});

beforeEach(() => {
  seen.length = 0;
  refuse = false;
  sandbox.stats.reset();
});

after(async () => {
  await sandbox.close();
});

test('tells the hook the personality, resource type and interaction of each request', async () => {
  const id = sandbox.seed.patients[0].id;
  await call(`${base}/Patient/${id}`);
  await call(`${base}/Slot?_count=1`);
  await call(`${base}/Patient/${id}/_history/1`);
  await call(`${base}/metadata`);
  await call(`${base}/Patient`, fhirJson('POST', { resourceType: 'Patient' }));
  assert.deepEqual(
    seen.map((c) => [c.personality, c.resourceType, c.interaction, c.method]),
    [
      ['r4', 'Patient', 'read', 'GET'],
      ['r4', 'Slot', 'search', 'GET'],
      ['r4', 'Patient', 'vread', 'GET'],
      ['r4', undefined, 'capabilities', 'GET'],
      ['r4', 'Patient', 'create', 'POST'],
    ],
  );
});

test('sends the hook refusal as is, before the body is even parsed', async () => {
  refuse = true;
  const answer = await call<{ issue: { code: string }[] }>(`${base}/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: '{ not json',
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.headers.get('www-authenticate'), 'Bearer error="insufficient_scope"');
  assert.equal(answer.body.issue[0].code, 'forbidden');
  assert.equal(sandbox.stats.count('POST /fhir/R4/Patient'), 1);
  const count = await call<{ total: number }>(`${base}/Patient?_summary=count`);
  assert.equal(count.status, 403, 'searches are refused too');
});

test('does not consult the hook for the public SMART configuration', async () => {
  refuse = true;
  const answer = await call(`${base}/.well-known/smart-configuration`);
  assert.equal(answer.status, 200);
  assert.deepEqual(seen, []);
});
