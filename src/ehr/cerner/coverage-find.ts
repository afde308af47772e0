// Search-before-resend for Coverage on Cerner: Coverage search takes only `_id` and `patient`
// (cerner/cerner-capability-statement-r4-secure.json) and Cerner's create example carries no
// identifier (cerner/R4_COVERAGE_CREATE.json), so what this request wrote is found by its
// natural key: the patient's active Coverage with the same member id and payor.
import type { FhirClient } from '../../fhir/index.ts';
import type { CoverageRecord, CoverageWrite } from '../coverage-adapter.ts';
import { toCoverageRecord } from '../fhir-r4/coverage-read.ts';

export async function findCoverageCerner(
  fhir: FhirClient,
  write: CoverageWrite,
): Promise<CoverageRecord | undefined> {
  const wanted = toCoverageRecord(write.coverage);
  const found = await fhir.searchResources(
    'Coverage',
    { patient: write.patientId },
    { signal: write.signal },
  );
  return found
    .map(toCoverageRecord)
    .find(
      (record) =>
        record.status !== 'cancelled' &&
        record.status !== 'entered-in-error' &&
        record.subscriberId === wanted.subscriberId &&
        record.payorId === wanted.payorId,
    );
}
