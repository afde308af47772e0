// `Patient/$match` (R4 patient-operation-match.html; Epic declares it on Patient in
// epic/epic-fhir-r4-capabilitystatement.json, Cerner does not offer it). The input is a
// Parameters with `resource` (a Patient holding what the caller said), `onlyCertainMatches` and
// `count`; the answer is a searchset Bundle whose entries carry `search.score` and the
// match-grade extension. Whether the EHR has it is read from its CapabilityStatement once per
// adapter and cached: a failed read is not cached, so the next call asks again.
import type {
  Bundle,
  CapabilityStatement,
  CapabilityStatementRestResourceOperation,
  Parameters,
  Patient,
} from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { unsupported } from '../lib/errors.ts';
import {
  DEFAULT_MATCH_COUNT,
  type MatchRequest,
  type PatientMatch,
  type PatientSearch,
} from '../patient-adapter.ts';
import { toPatientRecord } from './patient-record.ts';

/** R4 patient-operation-match.html: the extension on Bundle.entry.search. */
export const MATCH_GRADE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/match-grade';

function isMatch(op: CapabilityStatementRestResourceOperation): boolean {
  return op.name === 'match' || /\/OperationDefinition\/Patient-match$/.test(op.definition ?? '');
}

/** True when any rest entry declares $match on Patient, or as a system operation naming Patient-match. */
export function declaresPatientMatch(statement: CapabilityStatement): boolean {
  return (statement.rest ?? []).some(
    (rest) =>
      (rest.resource ?? []).some((r) => r.type === 'Patient' && (r.operation ?? []).some(isMatch)) ||
      (rest.operation ?? []).some((op) => /Patient-match$/.test(op.definition ?? '')),
  );
}

/** A memo of `declaresPatientMatch(GET [base]/metadata)` for one client. */
export function matchCapability(fhir: FhirClient): (signal?: AbortSignal) => Promise<boolean> {
  let cached: Promise<boolean> | undefined;
  return (signal) => {
    if (cached === undefined) {
      const read = fhir
        .request('GET', 'metadata', signal === undefined ? {} : { signal })
        .then((response) => {
          const body = response.body as CapabilityStatement | undefined;
          return body?.resourceType === 'CapabilityStatement' && declaresPatientMatch(body);
        });
      cached = read;
      read.catch(() => {
        if (cached === read) cached = undefined;
      });
    }
    return cached;
  };
}

/** The Patient the caller described, as $match's `resource` parameter. */
export function matchResource(query: PatientSearch): Patient {
  return {
    resourceType: 'Patient',
    name: [{ family: query.family, ...(query.given === undefined ? {} : { given: [query.given] }) }],
    birthDate: query.birthDate,
    ...(query.phone === undefined ? {} : { telecom: [{ system: 'phone', value: query.phone }] }),
    ...(query.postalCode === undefined ? {} : { address: [{ postalCode: query.postalCode }] }),
  };
}

export function matchParameters(request: MatchRequest): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'resource', resource: matchResource(request) },
      { name: 'onlyCertainMatches', valueBoolean: request.onlyCertainMatches ?? false },
      { name: 'count', valueInteger: request.count ?? DEFAULT_MATCH_COUNT },
    ],
  };
}

export function matchResults(bundle: Bundle): PatientMatch[] {
  const out: PatientMatch[] = [];
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (resource?.resourceType !== 'Patient') continue;
    if (entry.search?.mode !== undefined && entry.search.mode !== 'match') continue;
    const grade = entry.search?.extension?.find((e) => e.url === MATCH_GRADE_EXTENSION)?.valueCode;
    out.push({
      patient: toPatientRecord(resource),
      ...(typeof entry.search?.score === 'number' ? { score: entry.search.score } : {}),
      ...(grade === undefined ? {} : { grade }),
    });
  }
  return out.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
}

export async function matchPatientsR4(
  fhir: FhirClient,
  supportsMatch: (signal?: AbortSignal) => Promise<boolean>,
  request: MatchRequest,
): Promise<PatientMatch[]> {
  if (!(await supportsMatch(request.signal))) {
    throw unsupported('the EHR does not declare Patient/$match in its CapabilityStatement');
  }
  const bundle = await fhir.operation<Bundle>('Patient/$match', matchParameters(request), {
    method: 'POST',
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  return matchResults(bundle);
}
