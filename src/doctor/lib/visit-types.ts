import type { Vendor, VisitTypeConfig } from '../../config/index.ts';
import type { VisitType } from '../../ehr/index.ts';

/** The key of a visit type's coding for each vendor (config/schema.ts `visitType`). */
export const CODING_KEY = { epic: 'epic', cerner: 'cerner', 'fhir-r4': 'fhir' } as const satisfies Record<
  Vendor,
  string
>;

/** The adapter's VisitType for a configured one; undefined when it has no coding for this vendor. */
export function adapterVisitType(vendor: Vendor, v: VisitTypeConfig): VisitType | undefined {
  const coding = v[CODING_KEY[vendor]];
  return coding === undefined ? undefined : { id: v.id, say: v.say, minutes: v.minutes, coding };
}
