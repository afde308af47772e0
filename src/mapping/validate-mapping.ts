// Start-up validation of a tenant's `mapping` block (DESIGN.md section 6, issue 5 item 3) against
// what its EHR vendor supports (DESIGN.md section 5), so a mapping that would produce data the EHR
// rejects stops start-up with the exact key instead of failing in the middle of calls:
//   - Epic offers no Coverage create (Coverage is read-only in epic/epic-fhir-r4-capabilitystatement.json);
//   - Cerner creates Conditions only for problem-list-item and encounter-diagnosis
//     (fhir.cerner.com Condition create; cerner/R4_CONDITION_CREATE.json);
//   - Epic's Condition.Create is for problems (problem-list-item);
//   - an Observation needs a code (Observation.code is 1..1) and a category from observation-category.
// config/schema.ts calls mappingProblems() for every tenant, so loadConfig fails with
// `tenants[0].mapping.insurance.to: Epic offers no Coverage create; use work-queue`.
import { OBSERVATION_CATEGORIES } from './clinical-text.ts';

export type MappingVendor = 'epic' | 'cerner' | 'fhir-r4';

/** The mapping rule shape of config/schema.ts, structurally (this module must not import config at run time). */
export type MappingRuleInput = {
  readonly to: string;
  readonly category?: string | undefined;
  readonly code?:
    | { readonly system: string; readonly code: string; readonly display?: string | undefined }
    | undefined;
};

export type MappingInput = {
  readonly chiefComplaint?: MappingRuleInput | undefined;
  readonly reasonForVisit?: MappingRuleInput | undefined;
  readonly insurance?: MappingRuleInput | undefined;
};

export type MappingProblem = {
  /** Key path as written in the file, e.g. `tenants[0].mapping.insurance.to`. */
  readonly path: string;
  readonly message: string;
};

/** Condition categories each vendor creates; fhir-r4 takes any US Core category. */
const CONDITION_CATEGORIES_BY_VENDOR: Readonly<Record<MappingVendor, readonly string[]>> = {
  cerner: ['problem-list-item', 'encounter-diagnosis'],
  epic: ['problem-list-item'],
  'fhir-r4': ['problem-list-item', 'encounter-diagnosis', 'health-concern'],
};

const VENDOR_NAME: Readonly<Record<MappingVendor, string>> = {
  cerner: 'Cerner',
  epic: 'Epic',
  'fhir-r4': 'this FHIR server',
};

/** Problems relative to the mapping block: `path` is the key path inside it (`insurance.to`). */
export function mappingProblems(vendor: MappingVendor, mapping: MappingInput): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const key of ['chiefComplaint', 'reasonForVisit'] as const) {
    const rule = mapping[key];
    if (rule === undefined) continue;
    if (rule.to === 'condition') {
      const allowed = CONDITION_CATEGORIES_BY_VENDOR[vendor];
      if (rule.category === undefined || !allowed.includes(rule.category)) {
        problems.push({
          path: `${key}.category`,
          message: `${VENDOR_NAME[vendor]} creates Conditions only with category ${allowed.join(' or ')}${
            rule.category === undefined ? '' : `, not ${rule.category}`
          }`,
        });
      }
    }
    if (rule.to === 'observation') {
      if (rule.code === undefined) {
        problems.push({
          path: `${key}.code`,
          message: 'an observation needs a code (Observation.code is required)',
        });
      }
      if (
        rule.category !== undefined &&
        !(OBSERVATION_CATEGORIES as readonly string[]).includes(rule.category)
      ) {
        problems.push({
          path: `${key}.category`,
          message: `expected an observation category: one of ${OBSERVATION_CATEGORIES.join(', ')}`,
        });
      }
    }
    if (rule.to === 'coverage') {
      problems.push({ path: `${key}.to`, message: 'coverage is a target for insurance only' });
    }
  }
  const insurance = mapping.insurance;
  if (insurance !== undefined) {
    if (insurance.to === 'coverage' && vendor === 'epic') {
      problems.push({ path: 'insurance.to', message: 'Epic offers no Coverage create; use work-queue' });
    } else if (insurance.to !== 'coverage' && insurance.to !== 'work-queue') {
      problems.push({ path: 'insurance.to', message: 'expected coverage or work-queue' });
    }
  }
  return problems;
}

/**
 * Every problem of a tenant's mapping, with full key paths (`tenants[2].mapping.insurance.to`);
 * empty when the mapping is absent (every datum then goes to the staff work queue) or valid.
 */
export function validateMapping(
  tenant: { readonly ehr: { readonly vendor: MappingVendor }; readonly mapping?: MappingInput | undefined },
  tenantIndex = 0,
): MappingProblem[] {
  if (tenant.mapping === undefined) return [];
  return mappingProblems(tenant.ehr.vendor, tenant.mapping).map((p) => ({
    path: `tenants[${tenantIndex}].mapping.${p.path}`,
    message: p.message,
  }));
}
