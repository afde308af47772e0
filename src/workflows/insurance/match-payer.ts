// Which payor Organization the caller means (issue 5 item 4). First the EHR's own payors
// (`Organization?type=pay&name=`), accepted only when a name or alias of exactly one of them is
// the name the caller said (ignoring case, accents, punctuation, spacing and words such as
// "insurance" or "healthcare"); then the tenant's configured aliases. Anything else is
// unmatched and goes to staff: a payor is never guessed (a starts-with hit on "Blue" is not
// "Blue Cross").
import type { TenantConfig } from '../../config/types.ts';
import type { CoverageAdapter, PayerCandidate } from '../../ehr/index.ts';
import { isFhirError } from '../../fhir/index.ts';

export type PayerMatch =
  | { readonly matched: true; readonly id: string; readonly name: string; readonly via: 'ehr' | 'alias' }
  | {
      readonly matched: false;
      /** `ambiguous`: several payors fit; `lookup_failed`: the EHR search failed and no alias fits. */
      readonly why: 'unknown' | 'ambiguous' | 'lookup_failed';
      readonly error?: string;
    };

const GENERIC_WORDS = new Set([
  'insurance',
  'health',
  'healthcare',
  'care',
  'plan',
  'plans',
  'company',
  'co',
  'inc',
  'corp',
  'corporation',
  'the',
  'of',
  'my',
  'is',
  'its',
  'it',
  'uh',
  'um',
]);

/** Lower case, no accents, `&` as "and", words only. */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
}

/** The forms of a name that count as "the same name": all its words, and without generic words. */
function forms(text: string): string[] {
  const all = words(text);
  const specific = all.filter((w) => !GENERIC_WORDS.has(w));
  return [all.join(''), specific.join('')].filter((f) => f !== '');
}

export function sameName(said: string, name: string): boolean {
  const a = forms(said);
  const b = new Set(forms(name));
  return a.some((form) => b.has(form));
}

function matchCandidates(said: string, candidates: readonly PayerCandidate[]): PayerCandidate[] {
  return candidates.filter((c) => [c.name, ...c.aliases].some((name) => sameName(said, name)));
}

export async function matchPayer(
  adapter: CoverageAdapter,
  tenant: TenantConfig,
  said: string,
  signal?: AbortSignal,
): Promise<PayerMatch> {
  let lookupError: string | undefined;
  try {
    // R4 string search matches the start of the name (R4 search.html#string), so the first
    // specific word said finds the candidates ("cigna" for "Cigna Healthcare" from "cigna
    // insurance"); sameName then decides.
    const query = words(said).filter((w) => !GENERIC_WORDS.has(w))[0] ?? said;
    const found = matchCandidates(said, await adapter.findPayers(query, signal));
    const ids = new Set(found.map((c) => c.id));
    if (ids.size === 1 && found[0] !== undefined) {
      return { matched: true, id: found[0].id, name: found[0].name, via: 'ehr' };
    }
    if (ids.size > 1) return { matched: false, why: 'ambiguous' };
  } catch (error) {
    if (!isFhirError(error)) throw error;
    lookupError = error.ehrStatus === undefined ? error.code : `${error.code} ${error.ehrStatus}`;
  }
  const aliases = (tenant.insurance?.payerAliases ?? []).filter((alias) =>
    alias.say.some((name) => sameName(said, name)),
  );
  const organizations = new Set(aliases.map((a) => a.organization));
  if (organizations.size === 1 && aliases[0] !== undefined) {
    return {
      matched: true,
      id: aliases[0].organization,
      name: aliases[0].name ?? aliases[0].say[0] ?? said,
      via: 'alias',
    };
  }
  if (organizations.size > 1) return { matched: false, why: 'ambiguous' };
  return lookupError === undefined
    ? { matched: false, why: 'unknown' }
    : { matched: false, why: 'lookup_failed', error: lookupError };
}
