// Finding the records a caller may be: the EHR search is a wide net (family name as far as the
// first hyphen, apostrophe or space, and birth date; `Patient/$match` first where the EHR declares
// it), and this module judges each candidate itself, tolerant of how names are spoken
// (spoken-name.ts). The EHR's ranking is never trusted to pick a person.
import { DEFAULT_MATCH_COUNT, type PatientRecord } from '../../ehr/patient-adapter.ts';
import { isEhrgateError } from '../../errors.ts';
import type { IdentityContext } from './context.ts';
import { familySearchPrefix, foldName, nameMatches, type SpokenName } from './spoken-name.ts';

export type CandidateQuery = {
  readonly name: SpokenName;
  readonly birthDate: string;
  /** E.164, when given: passed to $match, which may weigh it. */
  readonly phone?: string;
  readonly postalCode?: string;
  readonly signal?: AbortSignal;
};

/** Active records whose name (or nickname) and birth date are the caller's. */
export function matching(records: readonly PatientRecord[], query: CandidateQuery): PatientRecord[] {
  return records.filter(
    (r) => r.active && r.birthDate === query.birthDate && r.names.some((n) => nameMatches(query.name, n)),
  );
}

function addAll(into: Map<string, PatientRecord>, records: readonly PatientRecord[]): void {
  for (const record of records) if (!into.has(record.id)) into.set(record.id, record);
}

/** $match's candidates, and whether they are all it has (fewer than asked for: not cut off). */
async function viaMatch(
  context: IdentityContext,
  query: CandidateQuery,
): Promise<{ records: readonly PatientRecord[]; complete: boolean }> {
  const { adapter } = context;
  if (!(await adapter.supportsMatch(query.signal))) return { records: [], complete: false };
  try {
    const found = await adapter.matchPatients({
      family: query.name.families[0] as string,
      given: query.name.given,
      birthDate: query.birthDate,
      count: DEFAULT_MATCH_COUNT,
      ...(query.phone === undefined ? {} : { phone: query.phone }),
      ...(query.postalCode === undefined ? {} : { postalCode: query.postalCode }),
      ...(query.signal === undefined ? {} : { signal: query.signal }),
    });
    return {
      records: found.filter((m) => m.grade !== 'certainly-not').map((m) => m.patient),
      complete: found.length < DEFAULT_MATCH_COUNT,
    };
  } catch (error) {
    if (isEhrgateError(error, 'ERR_EHR_UNSUPPORTED')) return { records: [], complete: false };
    throw error;
  }
}

/**
 * The records that match the caller's name and birth date. Searches in widening steps and stops
 * at the first that yields a match: $match (when its list was not cut off), then the family name
 * as said up to its first separator, then its first letter (so "obrien" still finds "O'Brien").
 */
export async function findCandidates(
  context: IdentityContext,
  query: CandidateQuery,
): Promise<PatientRecord[]> {
  const seen = new Map<string, PatientRecord>();
  const matched = await viaMatch(context, query);
  addAll(seen, matched.records);
  let found = matching([...seen.values()], query);
  // A list cut off at `count` may miss a second record with the same name and birth date: the
  // search below completes it, so a shared name is never mistaken for a unique one.
  if (found.length > 0 && matched.complete) return found;
  const prefixes = [...new Set(query.name.families.map(familySearchPrefix).filter((p) => p !== ''))];
  const initials = [
    ...new Set(query.name.families.map((f) => foldName(f).slice(0, 1)).filter((p) => p !== '')),
  ];
  for (const round of [prefixes, initials]) {
    for (const family of round) {
      addAll(
        seen,
        await context.adapter.searchPatients({
          family,
          birthDate: query.birthDate,
          ...(query.signal === undefined ? {} : { signal: query.signal }),
        }),
      );
    }
    found = matching([...seen.values()], query);
    if (found.length > 0) return found;
  }
  return found;
}
