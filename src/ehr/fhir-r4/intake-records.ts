// Condition and Observation over plain R4 (create, read, search), shared by the intake adapters:
// Cerner and Epic create and read these resources as any R4 server does; they differ in whether
// our identifier is kept (fhir-r4) and in how a note reaches an appointment.
import type { Condition, Identifier, Observation } from '@medplum/fhirtypes';
import { type FhirClient, FhirError } from '../../fhir/index.ts';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../adapter.ts';
import type { ClinicalRecord, ClinicalResource, ClinicalWriteRequest } from '../intake-adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import { referenceId } from '../lib/references.ts';

/** A record found by natural key must have been recorded this close to ours (a repeat call, not an old one). */
export const NATURAL_KEY_WINDOW_MS = 24 * 60 * 60_000;

function identifierStrings(identifiers: readonly Identifier[] | undefined): string[] {
  return (identifiers ?? []).flatMap((i) =>
    typeof i.value !== 'string' ? [] : [typeof i.system === 'string' ? `${i.system}|${i.value}` : i.value],
  );
}

export function toClinicalRecord(resource: ClinicalResource): ClinicalRecord {
  const categories = (resource.category ?? []).flatMap((c) =>
    (c.coding ?? []).flatMap((coding) => (typeof coding.code === 'string' ? [coding.code] : [])),
  );
  const codes = (resource.code?.coding ?? []).flatMap((c) =>
    typeof c.code === 'string' ? [`${c.system ?? ''}|${c.code}`] : [],
  );
  const text = resource.resourceType === 'Condition' ? resource.code?.text : resource.valueString;
  const recordedAt =
    resource.resourceType === 'Condition' ? resource.recordedDate : resource.effectiveDateTime;
  const patientId = referenceId(resource.subject, 'Patient');
  const encounterId = referenceId(resource.encounter, 'Encounter');
  return {
    resourceType: resource.resourceType,
    id: resource.id ?? '',
    categories,
    codes,
    identifiers: identifierStrings(resource.identifier),
    ...(patientId === undefined ? {} : { patientId }),
    ...(encounterId === undefined ? {} : { encounterId }),
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof recordedAt === 'string' ? { recordedAt } : {}),
  };
}

export async function readClinical(
  fhir: FhirClient,
  type: ClinicalRecord['resourceType'],
  id: string,
  signal?: AbortSignal,
): Promise<ClinicalRecord> {
  const resource = (await fhir.read(type, id, signal === undefined ? {} : { signal })) as ClinicalResource;
  return toClinicalRecord(resource);
}

/** POST once. `withIdentifier`: our idempotency identifier, and If-None-Exist on it (R4 http.html#ccreate). */
export async function createClinical(
  fhir: FhirClient,
  request: ClinicalWriteRequest,
  withIdentifier: boolean,
): Promise<ClinicalRecord> {
  const opts = request.signal === undefined ? {} : { signal: request.signal };
  const identifier = { system: IDEMPOTENCY_IDENTIFIER_SYSTEM, value: request.idempotencyKey };
  const resource: ClinicalResource = withIdentifier
    ? { ...request.resource, identifier: [...(request.resource.identifier ?? []), identifier] }
    : request.resource;
  let result: Awaited<ReturnType<typeof fhir.create<ClinicalResource>>>;
  try {
    result = await fhir.create(resource, {
      ...opts,
      ...(withIdentifier ? { ifNoneExist: { identifier: `${identifier.system}|${identifier.value}` } } : {}),
    });
  } catch (err) {
    throw ruleOrSame(err, `the ${resource.resourceType}`);
  }
  if (result.resource?.id !== undefined) return toClinicalRecord(result.resource);
  if (result.id === undefined) {
    // A 2xx naming nothing: it may exist; the verified write searches instead of resending.
    throw new FhirError({
      kind: 'invalid-response',
      method: 'POST',
      path: resource.resourceType,
      ehrStatus: result.status,
      detail: `the EHR accepted the ${resource.resourceType} without returning it or its Location`,
    });
  }
  // Cerner answers 201 with a Location and no body.
  return readClinical(fhir, resource.resourceType, result.id, request.signal);
}

export async function findClinicalByIdentifier(
  fhir: FhirClient,
  request: ClinicalWriteRequest,
): Promise<ClinicalRecord | undefined> {
  const found = await fhir.searchResources(
    request.resource.resourceType,
    { identifier: `${IDEMPOTENCY_IDENTIFIER_SYSTEM}|${request.idempotencyKey}` },
    request.signal === undefined ? {} : { signal: request.signal },
  );
  const first = found[0] as ClinicalResource | undefined;
  return first === undefined ? undefined : toClinicalRecord(first);
}

/** Same patient, same text, same category (Condition) or code (Observation), recorded within the window. */
export function matchesNaturalKey(record: ClinicalRecord, wanted: ClinicalRecord): boolean {
  if (record.patientId !== wanted.patientId || record.text !== wanted.text) return false;
  if (!wanted.categories.every((c) => record.categories.includes(c))) return false;
  if (!wanted.codes.every((c) => record.codes.includes(c))) return false;
  if (record.recordedAt === undefined || wanted.recordedAt === undefined) return true;
  return Math.abs(Date.parse(record.recordedAt) - Date.parse(wanted.recordedAt)) <= NATURAL_KEY_WINDOW_MS;
}

/**
 * Where the vendor keeps no identifier we can set (Cerner documents none on these creates; Epic
 * has no conditional create): `Condition?patient=&category=` or `Observation?patient=&code=`,
 * parameters both vendors' CapabilityStatements list (fixtures/vendor cerner and epic).
 */
export async function findClinicalByNaturalKey(
  fhir: FhirClient,
  request: ClinicalWriteRequest,
): Promise<ClinicalRecord | undefined> {
  const wanted = toClinicalRecord(request.resource);
  const opts = request.signal === undefined ? {} : { signal: request.signal };
  const patient = wanted.patientId ?? '';
  let found: ClinicalResource[];
  if (request.resource.resourceType === 'Condition') {
    const category = wanted.categories[0];
    found = (await fhir.searchResources(
      'Condition',
      { patient, ...(category === undefined ? {} : { category }) },
      opts,
    )) as Condition[];
  } else {
    const code = wanted.codes[0];
    found = (await fhir.searchResources(
      'Observation',
      { patient, ...(code === undefined ? {} : { code }) },
      opts,
    )) as Observation[];
  }
  return found.map(toClinicalRecord).find((r) => matchesNaturalKey(r, wanted));
}
