// createPatientAdapter: the one place that picks a PatientAdapter implementation for a tenant's
// vendor (DESIGN.md sections 2 and 5). The identity workflow receives it and never learns which.
import { EhrgateError } from '../errors.ts';
import type { FhirClient } from '../fhir/index.ts';
import type { Vendor } from './adapter.ts';
import { createPatientCerner } from './cerner/patient-create.ts';
import { createPatientEpic } from './epic/patient-create.ts';
import {
  createPatientFhirR4,
  findCreatedPatientByNaturalKey,
  findCreatedPatientFhirR4,
} from './fhir-r4/patient-create.ts';
import { matchCapability, matchPatientsR4 } from './fhir-r4/patient-match.ts';
import { readPatientRecord, searchPatientsR4 } from './fhir-r4/patient-search.ts';
import type { PatientAdapter } from './patient-adapter.ts';

export type PatientAdapterOptions = {
  readonly vendor: Vendor;
  /** The tenant's FHIR R4 client (Epic: the R4 base, not STU3). */
  readonly fhir: FhirClient;
  /** Cerner: EHR id of the Organization that assigns MRNs, sent as the new Patient's identifier assigner. */
  readonly mrnAssignerId?: string;
};

export function createPatientAdapter(options: PatientAdapterOptions): PatientAdapter {
  const { fhir, vendor } = options;
  const supportsMatch = matchCapability(fhir);
  const common = {
    vendor,
    fhir,
    searchPatients: (query) => searchPatientsR4(fhir, query),
    supportsMatch,
    matchPatients: (request) => matchPatientsR4(fhir, supportsMatch, request),
    readPatient: (id, signal) => readPatientRecord(fhir, id, signal),
  } satisfies Partial<PatientAdapter>;
  switch (vendor) {
    case 'fhir-r4':
      return Object.freeze({
        ...common,
        createPatient: (request) => createPatientFhirR4(fhir, request),
        findCreatedPatient: (request) => findCreatedPatientFhirR4(fhir, request),
      } satisfies PatientAdapter);
    case 'cerner': {
      const cerner = options.mrnAssignerId === undefined ? {} : { mrnAssignerId: options.mrnAssignerId };
      return Object.freeze({
        ...common,
        // Cerner has no $match (DESIGN.md section 5): never ask its /metadata.
        supportsMatch: async () => false,
        matchPatients: (request) => matchPatientsR4(fhir, async () => false, request),
        createPatient: (request) => createPatientCerner(fhir, request, cerner),
        findCreatedPatient: (request) => findCreatedPatientByNaturalKey(fhir, request),
      } satisfies PatientAdapter);
    }
    case 'epic':
      return Object.freeze({
        ...common,
        createPatient: (request) => createPatientEpic(fhir, request),
        findCreatedPatient: (request) => findCreatedPatientByNaturalKey(fhir, request),
      } satisfies PatientAdapter);
    default:
      throw new EhrgateError('ERR_CONFIG_INVALID', `createPatientAdapter: unknown vendor ${String(vendor)}`);
  }
}
