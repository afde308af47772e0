import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FhirRequestEvent } from '../../fhir/types.ts';
import { ehrRequestAuditEntry, ehrRequestSentAuditEntry } from './ehr-request-entry.ts';

function event(
  method: FhirRequestEvent['method'],
  path: string,
  status: number | undefined,
): FhirRequestEvent {
  return {
    method,
    url: `https://ehr.example${path}?family=Doe&birthdate=1970-01-01`,
    path,
    status,
    startedAt: Date.parse('2026-03-02T10:00:00Z'),
    durationMs: 12.4,
    attempt: 1,
    errorCode: undefined,
  };
}

describe('ehrRequestAuditEntry', () => {
  it('records a read with the resource as target and no query', () => {
    const entry = ehrRequestAuditEntry('riverside', event('GET', '/fhir/r4/Appointment/a-1', 200));
    assert.equal(entry.action, 'ehr.read');
    assert.equal(entry.target, 'Appointment/a-1');
    assert.equal(entry.outcome, 'success');
    assert.equal(entry.detail?.interaction, 'read');
    assert.ok(!JSON.stringify(entry).includes('Doe'));
  });

  it('records a search by type and a create, and grades failures', () => {
    const search = ehrRequestAuditEntry('riverside', event('GET', '/api/FHIR/R4/Slot', 503));
    assert.deepEqual(
      [search.action, search.target, search.outcome],
      ['ehr.search', 'Slot', 'serious_failure'],
    );
    const create = ehrRequestAuditEntry('riverside', event('POST', '/r4/Appointment', 422));
    assert.deepEqual(
      [create.action, create.target, create.outcome],
      ['ehr.write', 'Appointment', 'minor_failure'],
    );
    const postSearch = ehrRequestAuditEntry('riverside', event('POST', '/r4/Patient/_search', 200));
    assert.deepEqual([postSearch.action, postSearch.detail?.interaction], ['ehr.search', 'search-type']);
  });

  it('seals a Patient id as the patient reference instead of a clear target', () => {
    const entry = ehrRequestAuditEntry('riverside', event('GET', '/r4/Patient/p-7', undefined));
    assert.equal(entry.target, 'Patient');
    assert.equal(entry.patient, 'Patient/p-7');
    assert.equal(entry.outcome, 'serious_failure');
  });

  it('records an attempt as it goes out with no outcome yet, and its answer with one', () => {
    const {
      status: _status,
      durationMs: _ms,
      errorCode: _code,
      ...sent
    } = event('GET', '/r4/Patient/p-7', 200);
    const ahead = ehrRequestSentAuditEntry('riverside', sent, 'call-1');
    assert.deepEqual(ahead, {
      tenantId: 'riverside',
      actor: 'gateway',
      action: 'ehr.read',
      callId: 'call-1',
      target: 'Patient',
      patient: 'Patient/p-7',
      detail: { method: 'GET', interaction: 'read', attempt: 1, phase: 'sent' },
    });
    const answered = ehrRequestAuditEntry('riverside', event('GET', '/r4/Patient/p-7', 200), 'call-1');
    assert.deepEqual(answered.detail, {
      method: 'GET',
      interaction: 'read',
      attempt: 1,
      status: 200,
      ms: 12,
    });
    assert.equal(answered.outcome, 'success');
    assert.ok(!JSON.stringify(ahead).includes('Doe'));
  });
});
