// Payor lookup (issue 5 item 4): `Organization?type=pay&name=...`. `pay` is the payer code of
// http://terminology.hl7.org/CodeSystem/organization-type; R4 string search on `name` matches
// the start of the name and of its words case- and accent-insensitively (R4 search.html#string),
// and covers Organization.alias too (R4 SearchParameter Organization-name).
import type { FhirClient } from '../../fhir/index.ts';
import type { PayerCandidate } from '../coverage-adapter.ts';

/** Enough for a spoken payer name; a longer list means the name was too vague to pick from. */
export const MAX_PAYER_CANDIDATES = 20;

export async function findPayersByName(
  fhir: FhirClient,
  name: string,
  signal?: AbortSignal,
): Promise<readonly PayerCandidate[]> {
  const found = await fhir.searchResources(
    'Organization',
    { type: 'pay', name, _count: MAX_PAYER_CANDIDATES },
    { signal, maxPages: 1 },
  );
  return found
    .filter((org) => org.id !== undefined && org.active !== false)
    .map((org) => ({ id: org.id as string, name: org.name ?? '', aliases: [...(org.alias ?? [])] }));
}
