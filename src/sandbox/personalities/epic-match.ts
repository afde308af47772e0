// Epic-like `POST [base]/api/FHIR/R4/Patient/$match` (R4 patient-operation-match.html; Epic
// declares it on Patient in epic/epic-fhir-r4-capabilitystatement.json, which this personality's
// CapabilityStatement now repeats). Parameters:
//   resource            a Patient: name (family, given), birthDate, telecom phone, address postalCode
//   onlyCertainMatches  valueBoolean; true keeps `certain` matches only
//   count               valueInteger; most matches returned (default MATCH_DEFAULT_COUNT)
// Answer: 200 and a searchset Bundle of active Patients scored 0..1 in `search.score`, best first,
// each with the match-grade extension (certain / probable / possible); weaker candidates are left
// out. The score weighs birth date, family and given name, phone and postal code, compared
// case-, accent- and punctuation-insensitively: a sandbox model of an MPI, not Epic's algorithm.

import type {
  Bundle,
  BundleEntry,
  CapabilityStatement,
  ContactPoint,
  HumanName,
  Patient,
} from '@medplum/fhirtypes';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, OperationContext, OperationRoute } from '../personality.ts';
import { parametersBody, single } from './epic-parameters.ts';

export const MATCH_GRADE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/match-grade';
/** The definition Epic's CapabilityStatement names for $match. */
export const PATIENT_MATCH_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Patient-match';
export const MATCH_DEFAULT_COUNT = 10;
export const MATCH_MAX_COUNT = 50;

const WEIGHTS = { birthDate: 0.35, family: 0.3, given: 0.15, phone: 0.1, postalCode: 0.1 } as const;
/** Family, given and birth date agree. */
export const CERTAIN_SCORE = 0.8;
/** Family and birth date agree. */
export const PROBABLE_SCORE = 0.65;
export const POSSIBLE_SCORE = 0.45;

function fold(value: string | undefined): string {
  return (value ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function phoneDigits(value: string | undefined): string {
  return (value ?? '').replace(/\D/g, '').slice(-10);
}

function phones(telecom: readonly ContactPoint[] | undefined): string[] {
  return (telecom ?? []).filter((t) => t.system === 'phone').map((t) => phoneDigits(t.value));
}

function score(query: Patient, candidate: Patient): number {
  const names: readonly HumanName[] = candidate.name ?? [];
  const wanted = query.name?.[0];
  let total = 0;
  if (query.birthDate !== undefined && query.birthDate === candidate.birthDate) total += WEIGHTS.birthDate;
  const family = fold(wanted?.family);
  if (family !== '' && names.some((n) => fold(n.family) === family)) total += WEIGHTS.family;
  const given = fold(wanted?.given?.[0]);
  if (given !== '' && names.some((n) => (n.given ?? []).some((g) => fold(g) === given))) {
    total += WEIGHTS.given;
  }
  const phone = phones(query.telecom)[0];
  if (phone !== undefined && phone !== '' && phones(candidate.telecom).includes(phone))
    total += WEIGHTS.phone;
  const postal = (query.address?.[0]?.postalCode ?? '').slice(0, 5);
  if (postal !== '' && (candidate.address ?? []).some((a) => (a.postalCode ?? '').slice(0, 5) === postal)) {
    total += WEIGHTS.postalCode;
  }
  return Math.round(total * 100) / 100;
}

function grade(value: number): 'certain' | 'probable' | 'possible' {
  return value >= CERTAIN_SCORE ? 'certain' : value >= PROBABLE_SCORE ? 'probable' : 'possible';
}

export async function epicPatientMatch(context: OperationContext): Promise<FhirReply> {
  const parameters = parametersBody(context.request.body);
  const resource = single(parameters, 'resource')?.resource as Patient | undefined;
  if (resource?.resourceType !== 'Patient') {
    throw fhirError(400, 'required', "parameter 'resource' must hold a Patient", { expression: 'resource' });
  }
  const onlyCertain = single(parameters, 'onlyCertainMatches')?.valueBoolean === true;
  const countParameter = single(parameters, 'count');
  const requested = countParameter?.valueInteger ?? MATCH_DEFAULT_COUNT;
  if (!Number.isInteger(requested) || requested < 1) {
    throw fhirError(400, 'invalid', "parameter 'count' takes a positive valueInteger", {
      expression: 'count',
    });
  }
  const scored: { patient: Patient; score: number }[] = [];
  for (const candidate of context.store.all('Patient') as Iterable<Patient>) {
    if (candidate.active === false) continue;
    const value = score(resource, candidate);
    if (value < POSSIBLE_SCORE || (onlyCertain && value < CERTAIN_SCORE)) continue;
    scored.push({ patient: candidate, score: value });
  }
  scored.sort((a, b) => b.score - a.score);
  const entry: BundleEntry[] = scored.slice(0, Math.min(requested, MATCH_MAX_COUNT)).map((m) => ({
    fullUrl: `${context.baseUrl}/Patient/${m.patient.id}`,
    resource: m.patient,
    search: {
      mode: 'match',
      score: m.score,
      extension: [{ url: MATCH_GRADE_EXTENSION, valueCode: grade(m.score) }],
    },
  }));
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    type: 'searchset',
    total: entry.length,
    entry,
  };
  return { status: 200, body: bundle };
}

export const PATIENT_MATCH_OPERATION: OperationRoute = {
  method: 'POST',
  path: 'Patient/$match',
  name: 'match',
  resourceType: 'Patient',
  handler: epicPatientMatch,
};

/** Declares $match on Patient, where Epic's CapabilityStatement puts it, instead of at system level. */
export function declarePatientMatch(generated: CapabilityStatement): CapabilityStatement {
  return {
    ...generated,
    rest: generated.rest?.map((rest) => {
      const { operation, ...others } = rest;
      const kept = (operation ?? []).filter((op) => op.name !== 'match');
      return {
        ...others,
        ...(kept.length === 0 ? {} : { operation: kept }),
        resource: rest.resource?.map((r) =>
          r.type === 'Patient'
            ? {
                ...r,
                operation: [...(r.operation ?? []), { name: 'match', definition: PATIENT_MATCH_DEFINITION }],
              }
            : r,
        ),
      };
    }),
  };
}
