import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFhirClient } from '../../../src/fhir/index.ts';
import { INTAKE_KINDS, PATIENT_REGISTER_KIND } from '../../../src/workflows/index.ts';
import { COVERAGE_CREATE_KIND } from '../../../src/workflows/insurance/record-insurance.ts';
import { gatewayOutboxHandlers } from '../../../src/workflows/outbox/gateway-handlers.ts';

describe('gateway outbox handlers', () => {
  it('give the worker a handler for every kind a workflow leaves in the outbox', async () => {
    const fhir = createFhirClient({ baseUrl: 'http://127.0.0.1:1/fhir/R4' });
    const handlers = gatewayOutboxHandlers([{ id: 'clinic', vendor: 'cerner', fhir }]);
    const expected = [PATIENT_REGISTER_KIND, COVERAGE_CREATE_KIND, ...Object.values(INTAKE_KINDS)].filter(
      (kind) => kind !== INTAKE_KINDS.workQueue,
    );
    for (const kind of expected) assert.ok(handlers.has(kind), `no handler for ${kind}`);
    await fhir.close();
  });
});
