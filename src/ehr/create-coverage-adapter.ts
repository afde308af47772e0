// createCoverageAdapter: the one place that picks a CoverageAdapter for a tenant's vendor. Kept
// apart from createEhrAdapter so scheduling-only deployments never load it.
import { EhrgateError } from '../errors.ts';
import { findCoverageCerner } from './cerner/coverage-find.ts';
import type { CoverageAdapter, CoverageAdapterOptions } from './coverage-adapter.ts';
import { createCoverageEpic } from './epic/coverage-create.ts';
import { createCoverageR4 } from './fhir-r4/coverage-create.ts';
import { findCoverageByIdentifier } from './fhir-r4/coverage-find.ts';
import { findPayersByName } from './fhir-r4/coverage-payers.ts';
import { readCoverageRecord } from './fhir-r4/coverage-read.ts';

export function createCoverageAdapter(options: CoverageAdapterOptions): CoverageAdapter {
  const { fhir, vendor } = options;
  const readCoverage = (id: string, signal?: AbortSignal) => readCoverageRecord(fhir, id, signal);
  switch (vendor) {
    case 'fhir-r4':
      return Object.freeze({
        vendor,
        canCreateCoverage: true,
        findPayers: (name, signal) => findPayersByName(fhir, name, signal),
        createCoverage: (write) => createCoverageR4(fhir, write),
        findCoverage: (write) => findCoverageByIdentifier(fhir, write),
        readCoverage,
      } satisfies CoverageAdapter);
    case 'cerner':
      return Object.freeze({
        vendor,
        canCreateCoverage: true,
        findPayers: (name, signal) => findPayersByName(fhir, name, signal),
        // Cerner's create is the plain R4 create of the documented body (cerner/R4_COVERAGE_CREATE.json).
        createCoverage: (write) => createCoverageR4(fhir, write),
        findCoverage: (write) => findCoverageCerner(fhir, write),
        readCoverage,
      } satisfies CoverageAdapter);
    case 'epic':
      return Object.freeze({
        vendor,
        canCreateCoverage: false,
        // Epic's R4 Organization search takes `_id` only: payers come from the tenant's aliases.
        findPayers: async () => [],
        createCoverage: createCoverageEpic,
        findCoverage: async () => undefined,
        readCoverage,
      } satisfies CoverageAdapter);
    default:
      throw new EhrgateError('ERR_CONFIG_INVALID', `createCoverageAdapter: unknown vendor ${String(vendor)}`);
  }
}
