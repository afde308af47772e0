// The identity workflow (issue 5 items 1-2): findPatient verifies a caller, registerPatient
// creates a new patient once. Both work over one PatientAdapter whatever the vendor.
import { type IdentityWorkflowOptions, identityContext } from './context.ts';
import { type FindPatientInput, findPatient } from './find-patient.ts';
import { type RegisterPatientInput, registerPatient } from './register-patient.ts';
import type { FindPatientResult, RegisterPatientOutcome } from './results.ts';

export interface IdentityWorkflow {
  findPatient(input: FindPatientInput): Promise<FindPatientResult>;
  registerPatient(input: RegisterPatientInput): Promise<RegisterPatientOutcome>;
}

export function createIdentityWorkflow(options: IdentityWorkflowOptions): IdentityWorkflow {
  const context = identityContext(options);
  return Object.freeze({
    findPatient: (input: FindPatientInput) => findPatient(context, input),
    registerPatient: (input: RegisterPatientInput) => registerPatient(context, input),
  });
}
