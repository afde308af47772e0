// The handlers every gateway process gives its outbox worker: one map over the background-writing
// workflows (intake, insurance), each finding the tenant's adapter on that tenant's FHIR client.
// A kind no workflow handles (a scheduling row left by a crash) becomes a work item (worker.ts).
import type { Vendor } from '../../config/types.ts';
import { createCoverageAdapter } from '../../ehr/create-coverage-adapter.ts';
import { createIntakeAdapter } from '../../ehr/create-intake-adapter.ts';
import type { CoverageAdapter } from '../../ehr/index.ts';
import type { IntakeAdapter } from '../../ehr/intake-adapter.ts';
import type { FhirClient } from '../../fhir/index.ts';
import { insuranceHandlers } from '../insurance/insurance-handlers.ts';
import { intakeHandlers } from '../intake/intake-handlers.ts';
import type { OutboxHandlers, OutboxJobHandler } from './job.ts';

export type HandlerTenant = { readonly id: string; readonly vendor: Vendor; readonly fhir: FhirClient };

export function gatewayOutboxHandlers(tenants: readonly HandlerTenant[]): OutboxHandlers {
  const coverage = new Map<string, CoverageAdapter>();
  const intake = new Map<string, IntakeAdapter>();
  for (const tenant of tenants) {
    coverage.set(tenant.id, createCoverageAdapter({ vendor: tenant.vendor, fhir: tenant.fhir }));
    intake.set(tenant.id, createIntakeAdapter({ vendor: tenant.vendor, fhir: tenant.fhir }));
  }
  const handlers = new Map<string, OutboxJobHandler>();
  for (const [kind, handler] of insuranceHandlers({ coverageAdapterFor: (id) => coverage.get(id) })) {
    handlers.set(kind, handler);
  }
  for (const [kind, handler] of intakeHandlers({ adapterFor: (id) => intake.get(id) }))
    handlers.set(kind, handler);
  return handlers;
}
