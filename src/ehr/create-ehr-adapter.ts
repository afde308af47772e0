// createEhrAdapter: the one place that picks an EhrAdapter implementation for a tenant's vendor
// (DESIGN.md sections 2 and 6). Workflows receive the EhrAdapter and never learn which it is.
import { EhrgateError } from '../errors.ts';
import type { FhirClient } from '../fhir/index.ts';
import type { EhrAdapter, Vendor } from './adapter.ts';
import { createCernerAdapter } from './cerner/create-cerner-adapter.ts';
import { createEpicAdapter } from './epic/create-epic-adapter.ts';
import { createFhirR4Adapter } from './fhir-r4/create-fhir-r4-adapter.ts';
import { DEFAULT_SEARCH_CONCURRENCY } from './lib/map-bounded.ts';

export type EhrAdapterOptions = {
  readonly vendor: Vendor;
  /** The tenant's FHIR R4 client (its base is the configured `ehr.baseUrl`). */
  readonly fhir: FhirClient;
  /**
   * Epic only, and required there: a client for the STU3 base (`epicStu3BaseUrl(baseUrl)`) with
   * the same token provider as `fhir`, for `$find` and `$book`.
   */
  readonly stu3?: FhirClient;
  /** Requests in flight when one search fans out (Epic, one `$find` per location). Default 4. */
  readonly concurrency?: number;
};

export function createEhrAdapter(options: EhrAdapterOptions): EhrAdapter {
  const concurrency = options.concurrency ?? DEFAULT_SEARCH_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new EhrgateError('ERR_CONFIG_INVALID', `createEhrAdapter: concurrency must be a positive integer`);
  }
  switch (options.vendor) {
    case 'fhir-r4':
      return createFhirR4Adapter(options.fhir);
    case 'cerner':
      return createCernerAdapter(options.fhir);
    case 'epic':
      if (options.stu3 === undefined) {
        throw new EhrgateError(
          'ERR_CONFIG_INVALID',
          'createEhrAdapter: an Epic adapter needs `stu3`, a FHIR client for the STU3 base (epicStu3BaseUrl)',
        );
      }
      return createEpicAdapter({ fhir: options.fhir, stu3: options.stu3, concurrency });
    default:
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `createEhrAdapter: unknown vendor ${String(options.vendor)}`,
      );
  }
}
