// Cerner-like Coverage create rules (DESIGN.md section 5 "insurance"; Oracle Health Millennium R4
// Coverage create, body as cerner/R4_COVERAGE_CREATE.json):
//   - required: `status` (only `active` is created), `subscriber` (a Patient or RelatedPerson
//     reference the EHR holds: no contained or display-only subscriber), `subscriberId`,
//     `beneficiary` (a Patient), `relationship` (coded in
//     http://terminology.hl7.org/CodeSystem/subscriber-relationship), and exactly one `payor`
//     (an Organization of type `pay`);
//   - `class` entries, when sent, are typed `plan` or `group` and carry a `value`.
// A missing element is 400 (`required`), anything the EHR's data contradicts (an unknown patient
// or payor, a code outside the value set) 422 (business rule), each naming the element. The
// shared create route then stores the Coverage and answers as Cerner does (201, Location,
// ETag W/"0"): this handler answers only refusals.

import type { Coverage, Organization, Reference } from '@medplum/fhirtypes';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, InteractionContext } from '../personality.ts';

const RELATIONSHIP_SYSTEM = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';
const RELATIONSHIPS = new Set(['child', 'parent', 'spouse', 'common', 'other', 'self', 'injured']);
const CLASS_TYPES = new Set(['plan', 'group']);
const LITERAL = /^(Patient|RelatedPerson|Organization)\/([A-Za-z0-9\-.]{1,64})$/;

function missing(element: string): never {
  throw fhirError(400, 'required', `${element} is required`, { expression: element });
}

function refuse(diagnostics: string, expression: string): never {
  throw fhirError(422, 'business-rule', diagnostics, { expression });
}

/** The stored resource a literal reference names, or a 422 naming the element. */
function referenced(
  context: InteractionContext,
  reference: Reference | undefined,
  types: readonly string[],
  element: string,
): unknown {
  if (reference === undefined) missing(element);
  const match = LITERAL.exec(reference.reference ?? '');
  if (match === null || !types.includes(match[1] as string)) {
    refuse(`${element} must reference a ${types.join(' or ')} by id`, element);
  }
  try {
    return context.store.read(match[1] as string, match[2] as string);
  } catch {
    return refuse(`${element}: ${match[0]} does not exist`, element);
  }
}

export async function cernerCreateCoverage(context: InteractionContext): Promise<FhirReply | undefined> {
  const body = context.request.body as Partial<Coverage> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body.resourceType !== 'Coverage') {
    throw fhirError(400, 'invalid', 'the body must be a Coverage resource in JSON', {
      expression: 'resourceType',
    });
  }
  if (body.status === undefined) missing('Coverage.status');
  if (body.status !== 'active')
    refuse(`status must be 'active', got '${String(body.status)}'`, 'Coverage.status');
  referenced(context, body.beneficiary, ['Patient'], 'Coverage.beneficiary');
  referenced(context, body.subscriber, ['Patient', 'RelatedPerson'], 'Coverage.subscriber');
  if (typeof body.subscriberId !== 'string' || body.subscriberId.trim() === '')
    missing('Coverage.subscriberId');
  const relationship = body.relationship?.coding?.find((c) => c.system === RELATIONSHIP_SYSTEM);
  if (body.relationship === undefined) missing('Coverage.relationship');
  if (relationship?.code === undefined || !RELATIONSHIPS.has(relationship.code)) {
    refuse(`relationship must be coded in ${RELATIONSHIP_SYSTEM}`, 'Coverage.relationship');
  }
  if (!Array.isArray(body.payor) || body.payor.length === 0) missing('Coverage.payor');
  if (body.payor.length !== 1) refuse('exactly one payor is supported', 'Coverage.payor');
  const payor = referenced(context, body.payor[0], ['Organization'], 'Coverage.payor[0]') as Organization;
  if (!payor.type?.some((t) => t.coding?.some((c) => c.code === 'pay'))) {
    refuse('the payor must be an Organization of type pay (payer)', 'Coverage.payor[0]');
  }
  for (const [index, entry] of (body.class ?? []).entries()) {
    const code = entry.type?.coding?.[0]?.code;
    if (code === undefined || !CLASS_TYPES.has(code)) {
      refuse('class type must be plan or group', `Coverage.class[${index}].type`);
    }
    if (typeof entry.value !== 'string' || entry.value.trim() === '')
      missing(`Coverage.class[${index}].value`);
  }
  return undefined;
}
