// The handlers every gateway process gives its outbox worker: one map over the background-writing
// workflows (patient registration, intake, insurance), each finding the tenant's adapter on that
// tenant's FHIR client.
// A kind no workflow handles (a scheduling row left by a crash) becomes a work item (worker.ts).
import type { Vendor } from '../../config/types.ts';
import { createCoverageAdapter } from '../../ehr/create-coverage-adapter.ts';
import { createIntakeAdapter } from '../../ehr/create-intake-adapter.ts';
import { createPatientAdapter } from '../../ehr/create-patient-adapter.ts';
import type { CoverageAdapter } from '../../ehr/index.ts';
import type { IntakeAdapter } from '../../ehr/intake-adapter.ts';
import type { PatientAdapter } from '../../ehr/patient-adapter.ts';
import type { FhirClient } from '../../fhir/index.ts';
import { PATIENT_REGISTER_KIND, patientRegistrationHandler } from '../identity/registration-job.ts';
import { insuranceHandlers } from '../insurance/insurance-handlers.ts';
import { intakeHandlers } from '../intake/intake-handlers.ts';
import type { OutboxHandlers, OutboxJobHandler } from './job.ts';

export type HandlerTenant = {
  readonly id: string;
  readonly vendor: Vendor;
  readonly fhir: FhirClient;
  /** Cerner: the Organization that assigns MRNs (tenant `identity.mrnAssigner`). */
  readonly mrnAssignerId?: string;
};

export function gatewayOutboxHandlers(tenants: readonly HandlerTenant[]): OutboxHandlers {
  const coverage = new Map<string, CoverageAdapter>();
  const intake = new Map<string, IntakeAdapter>();
  const patients = new Map<string, PatientAdapter>();
  for (const tenant of tenants) {
    patients.set(
      tenant.id,
      createPatientAdapter({
        vendor: tenant.vendor,
        fhir: tenant.fhir,
        ...(tenant.mrnAssignerId === undefined ? {} : { mrnAssignerId: tenant.mrnAssignerId }),
      }),
    );
    coverage.set(tenant.id, createCoverageAdapter({ vendor: tenant.vendor, fhir: tenant.fhir }));
    intake.set(tenant.id, createIntakeAdapter({ vendor: tenant.vendor, fhir: tenant.fhir }));
  }
  const handlers = new Map<string, OutboxJobHandler>([
    [PATIENT_REGISTER_KIND, patientRegistrationHandler((id) => patients.get(id))],
  ]);
  for (const [kind, handler] of insuranceHandlers({ coverageAdapterFor: (id) => coverage.get(id) })) {
    handlers.set(kind, handler);
  }
  for (const [kind, handler] of intakeHandlers({ adapterFor: (id) => intake.get(id) }))
    handlers.set(kind, handler);
  return handlers;
}
