// createIntakeAdapter: the one place that picks an IntakeAdapter for a tenant's vendor. Every
// vendor writes intake through its R4 base (the same FhirClient as the scheduling adapter's `fhir`).
import { EhrgateError } from '../errors.ts';
import type { FhirClient } from '../fhir/index.ts';
import type { Vendor } from './adapter.ts';
import { createCernerIntakeAdapter } from './cerner/intake-adapter.ts';
import { createEpicIntakeAdapter } from './epic/intake-adapter.ts';
import { createFhirR4IntakeAdapter } from './fhir-r4/intake-adapter.ts';
import type { IntakeAdapter } from './intake-adapter.ts';

export function createIntakeAdapter(options: {
  readonly vendor: Vendor;
  readonly fhir: FhirClient;
}): IntakeAdapter {
  switch (options.vendor) {
    case 'fhir-r4':
      return createFhirR4IntakeAdapter(options.fhir);
    case 'cerner':
      return createCernerIntakeAdapter(options.fhir);
    case 'epic':
      return createEpicIntakeAdapter(options.fhir);
    default:
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `createIntakeAdapter: unknown vendor ${String(options.vendor)}`,
      );
  }
}
