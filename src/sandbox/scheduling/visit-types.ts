// The visit types the sandbox clinic schedules, and the codings each personality knows them by.
// Every seeded Schedule and Slot carries both codings in one `serviceType` CodeableConcept, so
// one store serves all personalities:
//   - the sandbox's own system, which the gateway's default config names
//     (src/config/default-config.ts SANDBOX_VISIT_TYPE_SYSTEM): generic R4 and Cerner-like
//     `service-type` searches, Epic-like `$find` too;
//   - an Epic-style visit-type coding (Epic identifies visit types by an OID-based system and a
//     numeric id; DESIGN.md section 5, "$find serviceType (visit type, Epic OID coding)").

import type { Coding } from '@medplum/fhirtypes';

export const VISIT_TYPE_SYSTEM = 'urn:ehrgate:sandbox:visit-type';
/** Epic-style visit type ids ("PRC" records) under an Epic customer OID. */
export const EPIC_VISIT_TYPE_SYSTEM = 'urn:oid:1.2.840.114350.1.13.0.1.7.10.686980';

export interface VisitTypeDefinition {
  readonly key: 'new-patient' | 'follow-up';
  readonly display: string;
  readonly minutes: number;
  readonly sandbox: Coding;
  readonly epic: Coding;
}

export const VISIT_TYPE_DEFINITIONS: readonly VisitTypeDefinition[] = [
  {
    key: 'new-patient',
    display: 'New patient visit',
    minutes: 20,
    sandbox: { system: VISIT_TYPE_SYSTEM, code: 'new-patient', display: 'New patient visit' },
    epic: { system: EPIC_VISIT_TYPE_SYSTEM, code: '1001', display: 'NEW PATIENT' },
  },
  {
    key: 'follow-up',
    display: 'Follow-up visit',
    minutes: 20,
    sandbox: { system: VISIT_TYPE_SYSTEM, code: 'follow-up', display: 'Follow-up visit' },
    epic: { system: EPIC_VISIT_TYPE_SYSTEM, code: '1002', display: 'FOLLOW UP' },
  },
];

/** The visit type one of `codings` names (by either system), if any. */
export function visitTypeOf(codings: readonly Coding[] | undefined): VisitTypeDefinition | undefined {
  for (const coding of codings ?? []) {
    const found = VISIT_TYPE_DEFINITIONS.find(
      (v) =>
        (coding.system === v.sandbox.system && coding.code === v.sandbox.code) ||
        (coding.system === v.epic.system && coding.code === v.epic.code),
    );
    if (found !== undefined) return found;
  }
  return undefined;
}
