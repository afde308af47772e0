// The Cerner-like personality's rules for intake writes (issue 5 item 6,
// src/sandbox/personalities/cerner-clinical.ts): Oracle Health's documented Condition and
// Observation create bodies are taken (cerner/R4_CONDITION_CREATE.json,
// cerner/R4_OBSERVATION_CREATE.json), Conditions only for problem-list-item and
// encounter-diagnosis (the latter with an encounter), and an appointment note by PATCH with If-Match.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Condition, Observation, OperationOutcome } from '@medplum/fhirtypes';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let base: string;
let patientId: string;
let encounterId: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false, port: 0 });
  base = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  patientId = sandbox.seed.patients[0]?.id ?? '';
  const encounter = await sandbox.store.create({
    resourceType: 'Encounter',
    status: 'arrived',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patientId}` },
  });
  encounterId = encounter.resource.id;
});
after(() => sandbox.close());

function conditionFixture(): Condition {
  const body = readVendorFixture<Condition>('cerner/R4_CONDITION_CREATE.json');
  // The fixture's patient and practitioner exist in Cerner's sandbox, not ours.
  return {
    ...body,
    subject: { reference: `Patient/${patientId}` },
    note: body.note?.filter((n) => n.authorString),
  };
}

function withCategory(condition: Condition, code: string): Condition {
  return {
    ...condition,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code }] }],
  };
}

function expression(body: unknown): string | undefined {
  return (body as OperationOutcome).issue?.[0]?.expression?.[0];
}

describe('Cerner-like Condition create', () => {
  it('accepts Cerner\'s documented problem-list-item create with 201, Location and ETag W/"0"', async () => {
    const answer = await call(`${base}/Condition`, fhirJson('POST', conditionFixture()));
    assert.equal(answer.status, 201);
    assert.match(answer.headers.get('location') ?? '', /\/Condition\/[^/]+/);
    assert.equal(answer.headers.get('etag'), 'W/"0"');
  });

  it('refuses a category Cerner does not create with 422 naming Condition.category', async () => {
    const answer = await call(
      `${base}/Condition`,
      fhirJson('POST', withCategory(conditionFixture(), 'health-concern')),
    );
    assert.equal(answer.status, 422);
    assert.equal(expression(answer.body), 'Condition.category');
  });

  it('refuses an encounter-diagnosis without an encounter and accepts it with one', async () => {
    const diagnosis = withCategory(conditionFixture(), 'encounter-diagnosis');
    const without = await call(`${base}/Condition`, fhirJson('POST', diagnosis));
    assert.equal(without.status, 422);
    assert.equal(expression(without.body), 'Condition.encounter');
    const withEncounter = await call(
      `${base}/Condition`,
      fhirJson('POST', { ...diagnosis, encounter: { reference: `Encounter/${encounterId}` } }),
    );
    assert.equal(withEncounter.status, 201);
  });

  it('refuses a Condition for a patient the EHR does not hold', async () => {
    const answer = await call(
      `${base}/Condition`,
      fhirJson('POST', { ...conditionFixture(), subject: { reference: 'Patient/nobody-here' } }),
    );
    assert.equal(answer.status, 422);
    assert.equal(expression(answer.body), 'Condition.subject');
  });
});

describe('Cerner-like Observation create', () => {
  function observationFixture(): Observation {
    const body = readVendorFixture<Observation>('cerner/R4_OBSERVATION_CREATE.json');
    const { performer: _performer, note: _note, ...rest } = body;
    return {
      ...rest,
      subject: { reference: `Patient/${patientId}` },
      encounter: { reference: `Encounter/${encounterId}` },
    };
  }

  it("accepts Cerner's documented Observation create", async () => {
    const answer = await call(`${base}/Observation`, fhirJson('POST', observationFixture()));
    assert.equal(answer.status, 201);
  });

  it('refuses an Observation without a value with 400 naming Observation.value[x]', async () => {
    const { valueQuantity: _value, ...noValue } = observationFixture();
    const answer = await call(`${base}/Observation`, fhirJson('POST', noValue));
    assert.equal(answer.status, 400);
    assert.equal(expression(answer.body), 'Observation.value[x]');
  });

  it('refuses an Observation on an encounter the EHR does not hold', async () => {
    const answer = await call(
      `${base}/Observation`,
      fhirJson('POST', { ...observationFixture(), encounter: { reference: 'Encounter/nope' } }),
    );
    assert.equal(answer.status, 422);
    assert.equal(expression(answer.body), 'Observation.encounter');
  });
});

describe('Cerner-like appointment note PATCH', () => {
  function booked(): Appointment {
    const found = [...sandbox.store.all('Appointment')].find(
      (a) => (a as Appointment).status === 'booked' && (a as Appointment).comment === undefined,
    );
    assert.ok(found, 'the seed has a booked appointment');
    return found as Appointment;
  }

  const patch = (ops: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json', ...headers },
    body: JSON.stringify(ops),
  });

  it('sets comment and reasonCode text with If-Match and answers the next version', async () => {
    const appointment = booked();
    const current = await call<Appointment>(`${base}/Appointment/${appointment.id}`);
    const etag = current.headers.get('etag') ?? '';
    const answer = await call(
      `${base}/Appointment/${appointment.id}`,
      patch(
        [
          { op: 'add', path: '/comment', value: 'Chief complaint (caller): cough' },
          { op: 'add', path: '/reasonCode', value: [{ text: 'cough' }] },
        ],
        { 'if-match': etag },
      ),
    );
    assert.equal(answer.status, 200);
    assert.notEqual(answer.headers.get('etag'), etag);
    const stored = sandbox.store.read<Appointment>('Appointment', appointment.id ?? '');
    assert.equal(stored.comment, 'Chief complaint (caller): cough');
    assert.equal(stored.reasonCode?.[0]?.text, 'cough');
  });

  it('answers 412 without If-Match', async () => {
    const answer = await call(
      `${base}/Appointment/${booked().id}`,
      patch([{ op: 'add', path: '/comment', value: 'x' }]),
    );
    assert.equal(answer.status, 412);
  });

  it('refuses a reason longer than 255 characters with 422', async () => {
    const appointment = booked();
    const current = await call(`${base}/Appointment/${appointment.id}`);
    const answer = await call(
      `${base}/Appointment/${appointment.id}`,
      patch([{ op: 'add', path: '/reasonCode', value: [{ text: 'x'.repeat(256) }] }], {
        'if-match': current.headers.get('etag') ?? '',
      }),
    );
    assert.equal(answer.status, 422);
    assert.equal(expression(answer.body), 'Appointment.reasonCode[0].text');
  });
});
