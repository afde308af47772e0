// Cerner-like Patient create rules (DESIGN.md section 5; Oracle Health Millennium R4 Patient create,
// body as cerner/R4_PATIENT_CREATE.json):
//   - each `identifier` carries only `assigner` (a reference): Millennium assigns the MRN itself
//     from the assigner's alias pool, so a `system`, `value`, `type` or `use` sent by a client is
//     refused;
//   - at least one `official` name with a family name and a given name.
// A refusal is 422 (business rule) with an OperationOutcome naming the element. The shared create
// route then stores the Patient and answers as Cerner does (201, Location, ETag W/"0", no body
// unless `Prefer: return=representation`): this handler answers only refusals.

import type { HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, InteractionContext } from '../personality.ts';

function refuse(diagnostics: string, expression: string): never {
  throw fhirError(422, 'business-rule', diagnostics, { expression });
}

function checkIdentifiers(identifiers: unknown): void {
  if (identifiers === undefined) return;
  if (!Array.isArray(identifiers)) refuse('identifier must be a list', 'Patient.identifier');
  for (const [index, identifier] of (identifiers as Identifier[]).entries()) {
    const keys = Object.keys(identifier ?? {});
    const extra = keys.filter((k) => k !== 'assigner');
    if (extra.length > 0 || typeof identifier?.assigner?.reference !== 'string') {
      refuse(
        `identifier may carry only an assigner reference (the EHR assigns the MRN); found ${extra.join(', ') || 'no assigner'}`,
        `Patient.identifier[${index}]`,
      );
    }
  }
}

function isOfficialWithGivenAndFamily(name: HumanName | undefined): boolean {
  return (
    name?.use === 'official' &&
    typeof name.family === 'string' &&
    name.family.trim() !== '' &&
    Array.isArray(name.given) &&
    name.given.some((g) => typeof g === 'string' && g.trim() !== '')
  );
}

/** Refuses a Patient create that breaks Cerner's rules; `undefined` lets the shared route store it. */
export async function cernerCreatePatient(context: InteractionContext): Promise<FhirReply | undefined> {
  const body = context.request.body as Partial<Patient> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body.resourceType !== 'Patient') {
    return undefined;
  }
  checkIdentifiers(body.identifier);
  const names = Array.isArray(body.name) ? body.name : [];
  if (!names.some(isOfficialWithGivenAndFamily)) {
    refuse('an official name with a given and a family name is required', 'Patient.name');
  }
  return undefined;
}
