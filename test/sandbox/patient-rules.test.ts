// The sandbox's Patient rules (issue 5 items 1 and 6): the Epic-like personality's
// `POST /api/FHIR/R4/Patient/$match`, declared on Patient in its CapabilityStatement as in
// epic/epic-fhir-r4-capabilitystatement.json, and the Cerner-like personality's Patient create
// rules from cerner/R4_PATIENT_CREATE.json (identifier with only `assigner`, an official name
// with given and family).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, CapabilityStatement, Patient } from '@medplum/fhirtypes';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX } from '../../src/sandbox/personalities/epic.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';

let sandbox: SandboxHandle;
let epic: string;
let cerner: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: new Date('2030-03-04T12:00:00.000Z'), auth: false });
  epic = `${sandbox.url}${EPIC_R4_PREFIX}`;
  cerner = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
});
after(() => sandbox.close());

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

function seeded(index: number): Patient {
  return sandbox.store.read<Patient>('Patient', sandbox.seed.patients[index]?.id as string);
}

function matchBody(patient: Patient, extra: object[] = []) {
  return {
    resourceType: 'Parameters',
    parameter: [{ name: 'resource', resource: patient }, ...extra],
  };
}

test('Epic-like metadata declares $match on Patient with the definition Epic names', async () => {
  const statement = (await (await fetch(`${epic}/metadata`)).json()) as CapabilityStatement;
  const patient = statement.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
  const expected = readVendorFixture<CapabilityStatement>('epic/epic-fhir-r4-capabilitystatement.json')
    .rest?.[0]?.resource?.find((r) => r.type === 'Patient')
    ?.operation?.find((op) => op.name === 'match');
  assert.deepEqual(
    patient?.operation?.find((op) => op.name === 'match'),
    expected,
  );
});

test('Epic-like $match returns the patient first, scored certain, in a searchset Bundle', async () => {
  const patient = seeded(3);
  const name = patient.name?.[0];
  const reply = await post(
    `${epic}/Patient/$match`,
    matchBody({
      resourceType: 'Patient',
      name: [{ family: name?.family, given: name?.given }],
      birthDate: patient.birthDate,
    }),
  );
  assert.equal(reply.status, 200);
  const bundle = reply.body as Bundle<Patient>;
  assert.equal(bundle.type, 'searchset');
  const [first] = bundle.entry ?? [];
  assert.equal(first?.resource?.id, patient.id);
  assert.equal(first?.search?.mode, 'match');
  assert.ok((first?.search?.score ?? 0) >= 0.8);
  assert.deepEqual(first?.search?.extension, [
    { url: 'http://hl7.org/fhir/StructureDefinition/match-grade', valueCode: 'certain' },
  ]);
});

test('Epic-like $match with onlyCertainMatches leaves out a record matching family and birth date only', async () => {
  const patient = seeded(4);
  const query: Patient = {
    resourceType: 'Patient',
    name: [{ family: patient.name?.[0]?.family, given: ['Nobody'] }],
    birthDate: patient.birthDate,
  };
  const loose = (await post(`${epic}/Patient/$match`, matchBody(query))).body as Bundle;
  assert.ok((loose.entry ?? []).some((e) => e.resource?.id === patient.id));
  const strict = (
    await post(
      `${epic}/Patient/$match`,
      matchBody(query, [{ name: 'onlyCertainMatches', valueBoolean: true }]),
    )
  ).body as Bundle;
  assert.ok(!(strict.entry ?? []).some((e) => e.resource?.id === patient.id));
});

test('Epic-like $match without a Patient resource is a 400 OperationOutcome', async () => {
  const reply = await post(`${epic}/Patient/$match`, {
    resourceType: 'Parameters',
    parameter: [{ name: 'count', valueInteger: 3 }],
  });
  assert.equal(reply.status, 400);
  assert.equal((reply.body as { resourceType: string }).resourceType, 'OperationOutcome');
});

/**
 * cerner/R4_PATIENT_CREATE.json without its communication-preference extension, which is not valid
 * FHIR as Cerner documents it (a nested extension without `url`, a `verified` property; see the
 * fixtures README) and which the sandbox's strict validation refuses like any invalid resource.
 */
function cernerExample(): Patient {
  const body = readVendorFixture<Patient>('cerner/R4_PATIENT_CREATE.json');
  return { ...body, extension: body.extension?.filter((e) => !e.url.endsWith('/communication-preference')) };
}

test('Cerner-like Patient create accepts Cerner\'s documented example with 201 and ETag W/"0"', async () => {
  const body = cernerExample();
  const reply = await post(`${cerner}/Patient`, body);
  assert.equal(reply.status, 201);
  assert.equal(reply.headers.get('etag'), 'W/"0"');
  assert.match(reply.headers.get('location') ?? '', /\/Patient\/[^/]+/);
});

test('Cerner-like Patient create refuses an identifier carrying more than assigner with a 422', async () => {
  const body = cernerExample();
  const reply = await post(`${cerner}/Patient`, {
    ...body,
    identifier: [{ system: 'urn:oid:1.2.3', value: '12345', assigner: { reference: 'Organization/675844' } }],
  });
  assert.equal(reply.status, 422);
  const outcome = reply.body as { issue: { code: string; expression?: string[] }[] };
  assert.equal(outcome.issue[0]?.code, 'business-rule');
  assert.deepEqual(outcome.issue[0]?.expression, ['Patient.identifier[0]']);
});

test('Cerner-like Patient create refuses a Patient without an official name holding given and family', async () => {
  const body = cernerExample();
  for (const name of [
    [{ use: 'usual', family: 'Wolf', given: ['Person'] }],
    [{ use: 'official', family: 'Wolf' }],
    [{ use: 'official', given: ['Person'] }],
  ]) {
    const reply = await post(`${cerner}/Patient`, { ...body, name });
    assert.equal(reply.status, 422, JSON.stringify(name));
  }
});
