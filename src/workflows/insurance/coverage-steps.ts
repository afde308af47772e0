// The transport steps of one Coverage write (verified-record-write.ts RecordSteps), the same for
// the inline attempt during the call and the outbox worker's later ones: search what this
// request already wrote, send once, read back, and compare what matters for billing (status,
// beneficiary, member id, payor, relationship, group).
import type { Coverage } from '@medplum/fhirtypes';
import { type CoverageAdapter, type CoverageRecord, toCoverageRecord } from '../../ehr/index.ts';
import type { RecordSteps } from '../lib/verified-record-write.ts';

export type StoredCoverage = CoverageRecord & { readonly resourceType: 'Coverage' };

const stored = (record: CoverageRecord): StoredCoverage => ({ resourceType: 'Coverage', ...record });

export function coverageSteps(
  adapter: CoverageAdapter,
  write: { readonly coverage: Coverage; readonly patientId: string; readonly idempotencyKey: string },
  signal?: AbortSignal,
): RecordSteps<StoredCoverage> {
  const request = { ...write, ...(signal === undefined ? {} : { signal }) };
  // What the read-back must show: the Coverage as sent, in the record's shape.
  const wanted = stored(toCoverageRecord(write.coverage));
  return {
    findExisting: async () => {
      const found = await adapter.findCoverage(request);
      return found === undefined ? undefined : stored(found);
    },
    send: async () => {
      const { id } = await adapter.createCoverage(request);
      return { record: { ...wanted, id }, warnings: [] };
    },
    read: async (id) => stored(await adapter.readCoverage(id, signal)),
    compare: (record) => {
      const differences: string[] = [];
      if (record.status !== 'active') differences.push('status');
      if (record.beneficiaryId !== wanted.beneficiaryId) differences.push('beneficiary');
      if (record.subscriberId !== wanted.subscriberId) differences.push('subscriberId');
      if (record.payorId !== wanted.payorId) differences.push('payor');
      if (record.relationship !== wanted.relationship) differences.push('relationship');
      if (wanted.groupNumber !== undefined && record.groupNumber !== wanted.groupNumber)
        differences.push('class.group');
      return differences;
    },
  };
}
