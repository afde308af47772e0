// POST [base]/Coverage (R4 http.html#create), sent once: the verified write searches before any
// resend. Cerner documents the same create (cerner/R4_COVERAGE_CREATE.json: 201 + Location).

import type { FhirClient } from '../../fhir/index.ts';
import { FhirError } from '../../fhir/index.ts';
import type { CoverageWrite } from '../coverage-adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';

export async function createCoverageR4(fhir: FhirClient, write: CoverageWrite): Promise<{ id: string }> {
  let id: string | undefined;
  let status: number;
  try {
    const result = await fhir.create(write.coverage, { signal: write.signal });
    id = result.id;
    status = result.status;
  } catch (error) {
    throw ruleOrSame(error, 'the Coverage');
  }
  if (id === undefined) {
    // Accepted without a body or Location: it may exist, so this is an ambiguous failure and
    // the verified write searches for it instead of resending (fhir/errors.ts).
    throw new FhirError({
      kind: 'invalid-response',
      method: 'POST',
      path: 'Coverage',
      ehrStatus: status,
      detail: 'the EHR accepted the Coverage without returning it or its Location',
    });
  }
  return { id };
}
