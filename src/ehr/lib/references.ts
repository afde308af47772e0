// FHIR references (R4 references.html#literal): relative `Patient/123`, absolute
// `https://ehr/r4/t/Patient/123`, or versioned `.../Patient/123/_history/2`. Vendors send all three
// (Cerner's fixtures use relative references, Argonaut's absolute ones).
import type { Reference, Resource } from '@medplum/fhirtypes';

// R4 datatypes.html#id
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The id a reference points to when it names `type`; undefined for other types or display-only actors. */
export function referenceId(reference: Reference | undefined, type: string): string | undefined {
  const value = reference?.reference;
  if (typeof value !== 'string') return undefined;
  // Read from the end: [..., type, id] or [..., type, id, '_history', version], one trailing
  // slash allowed. (A regular expression unanchored at the start tried every position of an
  // absolute URL, for every actor of every slot searched.)
  const segments = (value.endsWith('/') ? value.slice(0, -1) : value).split('/');
  let last = segments.length - 1;
  if (last >= 3 && segments[last - 1] === '_history' && ID.test(segments[last] as string)) last -= 2;
  const id = segments[last] as string;
  return last >= 1 && segments[last - 1] === type && ID.test(id) ? id : undefined;
}

/** `{ reference: 'Slot/1' }`; typed for the field it fills (Reference<Slot>, Reference<Patient | ...>). */
export function reference<T extends Resource = Resource>(
  type: T['resourceType'],
  id: string,
  display?: string,
): Reference<T> {
  return display === undefined ? { reference: `${type}/${id}` } : { reference: `${type}/${id}`, display };
}
