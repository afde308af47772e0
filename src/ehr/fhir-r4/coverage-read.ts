// Reading a Coverage back (DESIGN.md section 4 step 4) and normalising it for the comparison;
// shared by every vendor, since Cerner and Epic both serve Coverage as plain R4
// (cerner/R4_COVERAGE_CREATE.json, argonaut/Coverage-argo-sch-1.json).
import type { Coverage } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import type { CoverageRecord } from '../coverage-adapter.ts';
import { referenceId } from '../lib/references.ts';

export function toCoverageRecord(coverage: Coverage): CoverageRecord {
  const payorId = (coverage.payor ?? []).map((p) => referenceId(p, 'Organization')).find(Boolean);
  const beneficiaryId = referenceId(coverage.beneficiary, 'Patient');
  const group = coverage.class?.find((c) => c.type?.coding?.some((coding) => coding.code === 'group'));
  const relationship = coverage.relationship?.coding?.find((c) => c.code !== undefined)?.code;
  const subscriberRef = coverage.subscriber?.reference;
  return {
    id: coverage.id ?? '',
    identifiers: (coverage.identifier ?? []).map((i) => `${i.system ?? ''}|${i.value ?? ''}`),
    ...(coverage.status === undefined ? {} : { status: coverage.status }),
    ...(beneficiaryId === undefined ? {} : { beneficiaryId }),
    ...(subscriberRef === undefined ? {} : { subscriberRef }),
    ...(coverage.subscriberId === undefined ? {} : { subscriberId: coverage.subscriberId }),
    ...(payorId === undefined ? {} : { payorId }),
    ...(relationship === undefined ? {} : { relationship }),
    ...(group?.value === undefined ? {} : { groupNumber: group.value }),
  };
}

export async function readCoverageRecord(
  fhir: FhirClient,
  id: string,
  signal?: AbortSignal,
): Promise<CoverageRecord> {
  return toCoverageRecord(await fhir.read('Coverage', id, { signal }));
}
