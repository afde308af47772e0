// FHIR references (R4 references.html#literal): relative `Patient/123`, absolute
// `https://ehr/r4/t/Patient/123`, or versioned `.../Patient/123/_history/2`. Vendors send all three
// (Cerner's fixtures use relative references, Argonaut's absolute ones).
import type { Reference, Resource } from '@medplum/fhirtypes';

const LITERAL = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?\/?$/;

/** The id a reference points to when it names `type`; undefined for other types or display-only actors. */
export function referenceId(reference: Reference | undefined, type: string): string | undefined {
  const value = reference?.reference;
  if (typeof value !== 'string') return undefined;
  const match = LITERAL.exec(value);
  return match !== null && match[1] === type ? match[2] : undefined;
}

/** `{ reference: 'Slot/1' }`; typed for the field it fills (Reference<Slot>, Reference<Patient | ...>). */
export function reference<T extends Resource = Resource>(
  type: T['resourceType'],
  id: string,
  display?: string,
): Reference<T> {
  return display === undefined ? { reference: `${type}/${id}` } : { reference: `${type}/${id}`, display };
}
