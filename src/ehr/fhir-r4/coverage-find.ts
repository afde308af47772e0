// Search-before-resend for Coverage on a plain R4 server: the Coverage we create carries our
// idempotency identifier (Coverage.identifier, searchable as `identifier` in R4).
import type { FhirClient } from '../../fhir/index.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import type { CoverageRecord, CoverageWrite } from '../coverage-adapter.ts';
import { toCoverageRecord } from './coverage-read.ts';

export async function findCoverageByIdentifier(
  fhir: FhirClient,
  write: CoverageWrite,
): Promise<CoverageRecord | undefined> {
  const found = await fhir.searchResources(
    'Coverage',
    { identifier: `${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${write.idempotencyKey}` },
    { signal: write.signal },
  );
  return found[0] === undefined ? undefined : toCoverageRecord(found[0]);
}
